"""A small read-only table (conditions, events) refilled only when its content changes."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable

from hyptui.views.tones import Tone

Cell = str | Text
# The stylesheet's class per tone (.tone--bad ...), so tables colour cells from the theme.
TONE_CLASSES = frozenset(f"tone--{tone.value}" for tone in Tone if tone is not Tone.PLAIN)


class StaticTable(DataTable):
    DEFAULT_CSS = """
    StaticTable {
        border: round $panel;
        border-title-color: $accent;
    }
    """
    # Cells a screen colours take their style from these, so a theme switch recolours them.
    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | TONE_CLASSES

    def __init__(self, *columns: str, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="none", zebra_stripes=True)
        self._columns = columns
        self._content: list[tuple[Cell, ...]] = []

    def on_mount(self) -> None:
        self.add_columns(*self._columns)

    def show_rows(self, rows: Sequence[tuple[Cell, ...]]) -> bool:
        """Returns whether anything changed; an unchanged refill would reset the user's scrolling every second."""
        if list(rows) == self._content:
            return False
        self._content = list(rows)
        self.clear()
        self.add_rows(self._content)
        return True
