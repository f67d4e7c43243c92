"""A screen built around one ResourceTable: `/` filter, shift+←/→ and `o` sort, `space` marks, `c` copies a name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input

from hyptui.hyperpod.kinds import ResourceKind
from hyptui.screens.shell.base import LiveScreen
from hyptui.screens.shell.connection_bar import ConnectionBar
from hyptui.screens.shell.footer import KeyFooter
from hyptui.screens.shell.verb_bindings import bindings
from hyptui.screens.widgets.filter_input import FilterInput
from hyptui.screens.widgets.resource_table import ResourceTable, TableRow
from hyptui.screens.widgets.text_lines import ScreenTitle, StatusLine
from hyptui.store.state import AppState
from hyptui.views.columns import ColumnSpec
from hyptui.views.staleness import Staleness, staleness

# what every table screen must say itself: its table's columns and id
REQUIRED_ATTRIBUTES = ("COLUMNS", "TABLE_ID")


class TableScreen(LiveScreen):
    """The frame every table screen shares (connection bar, title, filter, table, status line, footer); a screen adds
    panes above or below its table with `compose_above_table` and `compose_below_table`."""

    AUTO_FOCUS = "ResourceTable"  # not the (hidden) filter field, which would swallow every key

    BINDINGS = bindings("filter", "back", "sort_left", "sort_right", "flip_order", "mark", "clear_marks", "copy_name")

    COLUMNS: ClassVar[Sequence[ColumnSpec]]
    TABLE_ID: ClassVar[str]
    TITLE_TEXT: ClassVar[str] = ""  # a screen whose title names what it shows overrides `title_text` instead
    TITLE_ID: ClassVar[str | None] = None
    FILTER_PLACEHOLDER: ClassVar[str] = "filter: regex on visible columns, !regex to invert"
    # the watched kinds its rows come from: while one is not live the rows are dimmed and the status line says why
    KINDS: ClassVar[tuple[ResourceKind, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        missing = [name for name in REQUIRED_ATTRIBUTES if not hasattr(cls, name)]
        if missing:
            raise TypeError(f"{cls.__name__} is a TableScreen without {' and '.join(missing)}")

    _stale: Staleness | None = None

    def compose(self) -> ComposeResult:
        yield ConnectionBar()
        yield ScreenTitle(self.title_text(), id=self.TITLE_ID)
        yield from self.compose_above_table()
        yield FilterInput(placeholder=self.FILTER_PLACEHOLDER, id="filter")
        yield ResourceTable(self.COLUMNS, id=self.TABLE_ID)
        yield from self.compose_below_table()
        yield StatusLine()
        yield KeyFooter()

    def title_text(self) -> str:
        return self.TITLE_TEXT

    def compose_above_table(self) -> ComposeResult:
        """Panes between the title and the filter (a detail's spec and conditions)."""
        yield from ()

    def compose_below_table(self) -> ComposeResult:
        """Panes under the table (events, why the selected row waits)."""
        yield from ()

    def _on_state(self, state: AppState) -> None:
        super()._on_state(state)
        stale = staleness(state, self.KINDS)
        if stale != self._stale:
            self._stale = stale
            self.table.set_class(stale is not None, "-stale")
            self._update_status()

    @property
    def table(self) -> ResourceTable:
        return self.query_one(ResourceTable)

    def show_rows(self, state: AppState, rows: Sequence[TableRow]) -> None:
        """The table's rows, with a NAMESPACE column only while more than one namespace is watched."""
        all_namespaces = state.connection is None or state.connection.namespace is None
        self.table.hide_columns(set() if all_namespaces else {"namespace"})
        self.table.set_rows(rows)
        self._update_status()

    def apply_filter(self, text: str) -> None:
        """Show the filter field with `text` in it, as if typed after `/` (used by `:jobs team-a`)."""
        field = self.query_one("#filter", Input)
        field.value = text
        field.set_class(bool(text), "-active")
        self.table.set_filter(text)
        self.table.focus()
        self._update_status()

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.add_class("-active")
        field.focus()

    def action_back(self) -> None:
        field = self.query_one("#filter", Input)
        if field.value or field.has_class("-active"):
            self.apply_filter("")
        elif len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    @on(ResourceTable.Refreshed)
    def _table_refreshed(self) -> None:
        self._update_status()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.table.set_filter(event.value)
        self._update_status()
        if len(self.app.screen_stack) == 1:  # a section's own table, not one drilled into
            self.hyptui.remember_filter(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.table.focus()

    def action_sort_left(self) -> None:
        self.table.shift_sort_column(-1)
        self._update_status()

    def action_sort_right(self) -> None:
        self.table.shift_sort_column(1)
        self._update_status()

    def action_flip_order(self) -> None:
        self.table.flip_sort_order()
        self._update_status()

    def action_mark(self) -> None:
        self.table.toggle_mark()
        self._update_status()

    def action_clear_marks(self) -> None:
        self.table.clear_marks()
        self._update_status()

    def action_copy_name(self) -> None:
        key = self.table.selected_key
        if key is not None:
            name = key.rpartition("/")[2]
            self.app.copy_to_clipboard(name)  # OSC 52: reaches the local clipboard through SSH and tmux
            self.notify(f"Copied {name}")

    def _update_status(self) -> None:
        table = self.table
        parts = [f"{table.shown_count} of {table.total_count}"]
        if self._stale is not None:
            parts.append(self._stale.describe())
        if table.marked_keys:
            parts.append(f"{len(table.marked_keys)} marked")
        query = self.query_one("#filter", Input).value
        if query:
            parts.append(table.filter_problem or f"filter {query!r}")
        if table.sort_description:
            parts.append(f"sorted by {table.sort_description}")
        notice = self.hyptui.store.state.notice
        if notice:
            parts.append(notice)
        self.query_one(StatusLine).update("  ·  ".join(parts))
