"""The shipped talk walkthrough the walkthrough tests run."""

from __future__ import annotations

from hyptui.walkthrough.load import load_walkthrough

TALK = load_walkthrough("talk")
