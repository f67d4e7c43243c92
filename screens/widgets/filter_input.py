"""The `/` field over a table or a log: hidden until `/` opens it (class -active), so it never takes a line idle."""

from __future__ import annotations

from textual.widgets import Input


class FilterInput(Input):
    DEFAULT_CSS = """
    FilterInput {
        display: none;
    }

    FilterInput.-active {
        display: block;
    }
    """
