import sys

from hyptui.cli import main

sys.exit(main())
