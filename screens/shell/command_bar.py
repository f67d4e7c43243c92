"""The `:` command line, k9s style: type a section or `ns NAME`, tab completes, a mistake is explained in place and
what was typed stays for fixing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from hyptui.views.command_line import Command, CommandError, UseContext, completions, parse_command


class CommandBar(ModalScreen[Command | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, aliases: Mapping[str, str], contexts: Sequence[str] = ()) -> None:
        super().__init__()
        self._aliases = dict(aliases)
        self._contexts = list(contexts)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="command-error")
            yield Input(
                placeholder="jobs · nodes · problems · events · ns NAME · ns all · ctx NAME · quit",
                suggester=SuggestFromList(completions(self._aliases, self._contexts), case_sensitive=False),
                id="command",
            )

    @on(Input.Submitted, "#command")
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            command = parse_command(event.value, self._aliases)
            if isinstance(command, UseContext) and self._contexts and command.context not in self._contexts:
                raise CommandError(
                    f"no context {command.context!r} in the kubeconfig; it has {', '.join(self._contexts)}"
                )
        except CommandError as error:
            message = self.query_one("#command-error", Static)
            message.update(str(error))
            message.add_class("-shown")
            return
        self.dismiss(command)
