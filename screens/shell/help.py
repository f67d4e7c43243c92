"""`?`: every key the screen underneath answers to, generated from its bindings so it cannot drift. hyptui's own
verbs come first; the table's movement keys after them."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from hyptui.views.verbs import VERBS


def key_table(screen: Screen) -> Table:
    table = Table(box=None, show_header=True, header_style="bold", expand=True)
    table.add_column("KEY", no_wrap=True)
    table.add_column("ACTION")
    rows: list[tuple[bool, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not active.enabled or not binding.description or (key, binding.description) in seen:
            continue
        seen.add((key, binding.description))
        shown = binding.key_display or screen.app.get_key_display(binding)
        verb = binding.id in VERBS or binding.action in VERBS  # a section's binding runs open_section under its id
        rows.append((not verb, shown, binding.description))
    for _, shown, description in sorted(rows, key=lambda row: row[0]):  # stable: verbs first, in binding order
        table.add_row(shown, description)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss", "Close"), Binding("question_mark", "dismiss", "Close", show=False)]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self._under = under

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Keys"
            yield Static(key_table(self._under))
