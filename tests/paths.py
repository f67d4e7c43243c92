"""Where the suite's files are: the repository, the SVG snapshots, and the directories the real `hyp` made."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SNAPSHOTS = REPO / "snapshots"
HYP_FIXTURES = REPO / "tests" / "hyp_configs" / "fixtures" / "hyp"  # made by hyp init/configure/validate/create
SCHEMA_FIXTURES = REPO / "tests" / "hyp_configs" / "fixtures" / "schemas"
