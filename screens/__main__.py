"""`python -m hyptui.screens`: the `hyptui` command, as the console script runs it."""

import sys

from hyptui.screens.shell.main import main

sys.exit(main())
