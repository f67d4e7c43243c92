"""A small read-only table (conditions, events) refilled only when its content changes."""

from __future__ import annotations

from collections.abc import Sequence

from textual.widgets import DataTable


class StaticTable(DataTable):
    def __init__(self, *columns: str, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="none", zebra_stripes=True)
        self._columns = columns
        self._content: list[tuple[str, ...]] = []

    def on_mount(self) -> None:
        self.add_columns(*self._columns)

    def show_rows(self, rows: Sequence[tuple[str, ...]]) -> bool:
        """Returns whether anything changed; an unchanged refill would reset the user's scrolling every second."""
        if list(rows) == self._content:
            return False
        self._content = list(rows)
        self.clear()
        self.add_rows(self._content)
        return True
