"""The events section: the cluster's events as they happen, newest first, warnings standing out; Enter goes to the
object an event is about. `/` filters by any column (namespace, kind, reason, type, message)."""

from __future__ import annotations

from textual import on
from textual.widgets import DataTable

from hyptui.hyperpod.kinds import ALL_KINDS, EVENTS
from hyptui.screens.shell.table_screen import TableScreen
from hyptui.screens.widgets.resource_table import TableRow
from hyptui.store.state import AppState
from hyptui.views.columns import EVENT_COLUMNS
from hyptui.views.events import EventRow, event_rows

KIND_KEYS = {kind.kind: kind.key for kind in ALL_KINDS}


def event_table_row(row: EventRow) -> TableRow:
    return TableRow(
        key="/".join((row.key[0], row.key[1])),
        cells={
            "last_seen": row.last_seen,
            "type": row.type,
            "reason": row.reason,
            "namespace": row.namespace or "-",
            "object": f"{row.kind.lower()}/{row.name}",
            "count": str(row.count),
            "message": row.message,
        },
        sort_values={"last_seen": -row.seen.timestamp(), "count": row.count},
    )


class EventsScreen(TableScreen):
    TITLE_TEXT = "Events · newest first"
    COLUMNS = EVENT_COLUMNS
    TABLE_ID = "events-table"
    KINDS = (EVENTS,)
    FILTER_PLACEHOLDER = "filter: regex on visible columns (Warning, a namespace, a reason…)"

    def show_state(self, state: AppState) -> None:
        self._rows = {f"{row.key[0]}/{row.key[1]}": row for row in event_rows(state, self.hyptui.clock())}
        self.table.set_rows([event_table_row(row) for row in self._rows.values()])
        self._update_status()

    @on(DataTable.RowSelected, "#events-table")
    async def _row_selected(self) -> None:
        key = self.table.selected_key
        row = self._rows.get(key) if key else None
        if row is None:
            return
        kind_key = KIND_KEYS.get(row.kind, "")
        if not await self.hyptui.go_to_object(kind_key, row.namespace, row.name):
            self.notify(f"hyptui has no view for {row.kind} objects yet", severity="warning")
