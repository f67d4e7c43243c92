"""The `:` command line, k9s style: type a section or `ns NAME`, tab completes, a mistake is explained in place and
what was typed stays for fixing."""

from __future__ import annotations

from collections.abc import Mapping

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from hyptui.command_line import Command, CommandError, completions, parse_command


class CommandBar(ModalScreen[Command | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, aliases: Mapping[str, str]) -> None:
        super().__init__()
        self._aliases = dict(aliases)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="command-error")
            yield Input(
                placeholder="jobs · nodes · ns NAME · ns all · quit",
                suggester=SuggestFromList(completions(self._aliases), case_sensitive=False),
                id="command",
            )

    @on(Input.Submitted, "#command")
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            command = parse_command(event.value, self._aliases)
        except CommandError as error:
            message = self.query_one("#command-error", Static)
            message.update(str(error))
            message.add_class("-shown")
            return
        self.dismiss(command)
