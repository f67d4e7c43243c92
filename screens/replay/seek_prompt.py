"""`ctrl+g` in a replay: where to go, as a time into the recording or a percentage; a mistake is explained in place
and what was typed stays."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from hyptui.recording.seek import SEEK_HELP, seek_position


class SeekPrompt(ModalScreen[float | None]):
    """Dismissed with the position (seconds into the recording), or None."""

    DEFAULT_CSS = """
    SeekPrompt {
        align: center bottom;
        background: $background 40%;
    }
    SeekPrompt > Vertical {
        height: auto;
        background: $panel;
    }
    SeekPrompt #seek-error {
        color: $error;
        padding: 0 1;
        display: none;
    }
    SeekPrompt #seek-error.-shown {
        display: block;
    }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, duration: float) -> None:
        super().__init__()
        self._duration = duration

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="seek-error")
            yield Input(placeholder=f"go to: {SEEK_HELP}", id="seek")

    @on(Input.Submitted, "#seek")
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            position = seek_position(event.value, self._duration)
        except ValueError as error:
            message = self.query_one("#seek-error", Static)
            message.update(str(error))
            message.add_class("-shown")
            return
        self.dismiss(position)
