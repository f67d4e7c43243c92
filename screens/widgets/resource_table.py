"""A live table of Kubernetes objects: keyed updates without flicker, selection kept by key, filter, sort, and
columns that drop by priority when the terminal is narrow."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from hyptui.hyperpod.label_selector import LabelSelector, LabelSelectorError
from hyptui.screens.widgets.static_table import TONE_CLASSES
from hyptui.views.columns import ColumnSpec, fit_columns
from hyptui.views.tones import Tone, tone_of


@dataclass(frozen=True, slots=True)
class TableRow:
    key: str
    cells: Mapping[str, str]
    # what a column sorts by when its text would sort wrongly (ages, counts); defaults to the text
    sort_values: Mapping[str, Any] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)  # the object's, for `-l` filters


LABEL_FILTER = "-l "


@dataclass(frozen=True, slots=True)
class RowFilter:
    pattern: re.Pattern[str] | None = None
    inverted: bool = False
    labels: LabelSelector | None = None
    problem: str = ""  # why the filter shows nothing: a label selector that does not parse (yet)

    @classmethod
    def parse(cls, text: str) -> RowFilter:
        """`/foo` keeps rows matching the regex foo on any visible column, `/!foo` drops them, `/-l app=x,tier!=y`
        keeps rows whose object's labels match the selector as kubectl's -l would. A broken regex is taken
        literally rather than rejected, so typing never shows an error mid-word; a broken selector keeps no row and
        says why."""
        if text.startswith(LABEL_FILTER):
            try:
                return cls(labels=LabelSelector.parse(text.removeprefix(LABEL_FILTER)))
            except LabelSelectorError as error:
                return cls(labels=LabelSelector(), problem=f"label selector: {error}")
        inverted = text.startswith("!")
        body = text[1:] if inverted else text
        if not body:
            return cls()
        try:
            pattern = re.compile(body, re.IGNORECASE)
        except re.error:
            pattern = re.compile(re.escape(body), re.IGNORECASE)
        return cls(pattern, inverted)

    def keeps(self, texts: Sequence[str], labels: Mapping[str, str]) -> bool:
        if self.problem:
            return False
        if self.labels is not None:
            return self.labels.matches(labels)
        if self.pattern is None:
            return True
        found = any(self.pattern.search(text) for text in texts)
        return found != self.inverted


MARK = "● "


class ResourceTable(DataTable):
    class Refreshed(Message):
        """The rows shown changed (new data, filter, sort or size), so counts shown elsewhere are stale."""

    DEFAULT_CSS = """
    ResourceTable {
        height: 1fr;
        /* the scrollbar's room is kept even while rows fit, so columns do not refit when the list grows past it */
        scrollbar-gutter: stable;
    }
    /* rows of a kind that is not live: still there to read, plainly not current */
    ResourceTable.-stale {
        text-opacity: 50%;
    }
    """
    BINDINGS = [Binding("enter", "select_cursor", "Open")]
    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | TONE_CLASSES

    def __init__(self, columns: Sequence[ColumnSpec], *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._specs = tuple(columns)
        self._hidden: set[str] = set()
        self._rows: tuple[TableRow, ...] = ()
        self._filter = RowFilter()
        self._sort_key: str | None = None
        self._sort_reverse = False
        self._fitted: list[tuple[ColumnSpec, int]] = []
        self._shown_keys: list[str] = []
        self._shown_cells: dict[str, dict[str, str]] = {}
        self._marked: set[str] = set()

    # -- inputs -------------------------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[TableRow]) -> None:
        self._rows = tuple(rows)
        self._refresh_table()

    def hide_columns(self, keys: set[str]) -> None:
        if keys != self._hidden:
            self._hidden = set(keys)
            self._refresh_table()

    def set_filter(self, text: str) -> None:
        self._filter = RowFilter.parse(text)
        self._refresh_table()

    @property
    def filter_problem(self) -> str:
        return self._filter.problem

    def sort_by(self, column_key: str | None, reverse: bool = False) -> None:
        self._sort_key = column_key
        self._sort_reverse = reverse
        self._fitted = []  # header labels carry the sort arrow
        self._refresh_table()

    def shift_sort_column(self, step: int) -> None:
        keys = [spec.key for spec, _ in self._fitted] or [spec.key for spec in self._specs]
        if self._sort_key in keys:
            index = (keys.index(self._sort_key) + step) % len(keys)
        else:
            index = 0 if step > 0 else len(keys) - 1
        self.sort_by(keys[index], self._sort_reverse)

    def toggle_mark(self) -> None:
        key = self.selected_key
        if key is not None:
            self._marked ^= {key}
            self._refresh_table()
            self.action_cursor_down()

    def clear_marks(self) -> None:
        self._marked.clear()
        self._refresh_table()

    def flip_sort_order(self) -> None:
        self.sort_by(self._sort_key or self._specs[0].key, not self._sort_reverse)

    # -- outputs ------------------------------------------------------------------------------------------------

    @property
    def selected_key(self) -> str | None:
        if not self._shown_keys or not 0 <= self.cursor_row < len(self._shown_keys):
            return None
        return self._shown_keys[self.cursor_row]

    @property
    def marked_keys(self) -> list[str]:
        """Marked rows in table order; verbs act on these when there are any, else on the cursor row."""
        return [key for key in self._shown_keys if key in self._marked]

    def target_keys(self) -> list[str]:
        if self.marked_keys:
            return self.marked_keys
        return [self.selected_key] if self.selected_key is not None else []

    @property
    def shown_count(self) -> int:
        return len(self._shown_keys)

    @property
    def total_count(self) -> int:
        return len(self._rows)

    @property
    def sort_description(self) -> str:
        if self._sort_key is None:
            return ""
        label = next(spec.label for spec in self._specs if spec.key == self._sort_key)
        return f"{label} {'▼' if self._sort_reverse else '▲'}"

    # -- rendering ----------------------------------------------------------------------------------------------

    def on_resize(self) -> None:
        self._refresh_table()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        key = str(event.column_key.value)
        self.sort_by(key, not self._sort_reverse if key == self._sort_key else False)

    def _visible_specs(self) -> list[ColumnSpec]:
        return [spec for spec in self._specs if spec.key not in self._hidden]

    def _ordered_rows(self, keys: Sequence[str]) -> list[TableRow]:
        rows = [row for row in self._rows if self._filter.keeps([row.cells.get(k, "") for k in keys], row.labels)]
        if self._sort_key is not None:
            column = self._sort_key

            def sort_value(row: TableRow) -> tuple[Any, str]:
                value = row.sort_values.get(column, row.cells.get(column, ""))
                return (value, row.key)

            # rows without a sort value (None) go last whichever way the sort runs
            present = [row for row in rows if row.sort_values.get(column, 0) is not None]
            missing = [row for row in rows if row.sort_values.get(column, 0) is None]
            rows = sorted(present, key=sort_value, reverse=self._sort_reverse) + missing
        return rows

    def _cell(self, spec: ColumnSpec, value: str) -> Text:
        style: Style | str = ""
        if spec.toned and (tone := tone_of(value)) is not Tone.PLAIN:
            style = self.get_component_rich_style(f"tone--{tone.value}", partial=True)
        # left-aligned like kubectl, so numbers read the same here and there
        return Text(value, style=style, no_wrap=True, overflow="ellipsis")

    def _display(self, row: TableRow, specs: Sequence[ColumnSpec]) -> dict[str, str]:
        cells = {spec.key: row.cells.get(spec.key, "") for spec in specs}
        if row.key in self._marked and specs:
            cells[specs[0].key] = MARK + cells[specs[0].key]
        return cells

    def _refresh_table(self) -> None:
        width = self.scrollable_content_region.width or self.size.width
        if not width:
            return  # not laid out yet; on_resize comes back here
        fitted = fit_columns(self._visible_specs(), width - 1, padding=2 * self.cell_padding)
        rebuild_columns = [(s.key, w) for s, w in fitted] != [(s.key, w) for s, w in self._fitted]
        specs = self._specs_of(fitted)
        rows = self._ordered_rows([spec.key for spec in specs])
        ordered_keys = [row.key for row in rows]
        self._marked &= {row.key for row in self._rows}  # a mark goes with its row
        selected = self.selected_key
        shown_before = list(self._shown_keys)
        with self.app.batch_update():
            if rebuild_columns:
                self.clear(columns=True)
                for spec, col_width in fitted:
                    label = spec.label
                    if spec.key == self._sort_key:
                        label += " ▼" if self._sort_reverse else " ▲"
                    self.add_column(label, key=spec.key, width=col_width)
                self._fitted = fitted
                self._shown_keys = []
                self._shown_cells = {}
            if ordered_keys != self._shown_keys:
                self.clear(columns=False)
                self._shown_cells = {}
                for row in rows:
                    cells = self._display(row, specs)
                    self.add_row(*(self._cell(spec, cells[spec.key]) for spec in specs), key=row.key)
                    self._shown_cells[row.key] = cells
                self._shown_keys = ordered_keys
                if selected in ordered_keys:
                    self.move_cursor(row=ordered_keys.index(selected), scroll=True)
            else:
                for row in rows:
                    shown = self._shown_cells[row.key]
                    for spec, value in self._display(row, specs).items():
                        if shown.get(spec) != value:
                            column = next(s for s in specs if s.key == spec)
                            self.update_cell(row.key, spec, self._cell(column, value))
                            shown[spec] = value
        if self._shown_keys != shown_before:
            self.post_message(self.Refreshed())

    @staticmethod
    def _specs_of(fitted: list[tuple[ColumnSpec, int]]) -> list[ColumnSpec]:
        return [spec for spec, _ in fitted]
