"""The `hyptui` command as a child process runs it: this interpreter, the module the console script points at."""

import sys

HYPTUI = [sys.executable, "-m", "hyptui.screens.shell.main"]
