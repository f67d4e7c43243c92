"""The line a replay adds under the header of every screen: playing or paused, where in the recording, how fast, and
the recorded clock at that point."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from hyptui.recording.player import Player
from hyptui.recording.seek import clock_text

PROGRESS_CELLS = 16
# what the bar says each replay key (or pair of keys) does
KEY_HINTS = (
    (("replay_pause",), "play"),
    (("replay_step",), "step"),
    (("replay_back", "replay_forward"), "seek"),
    (("replay_slower", "replay_faster"), "speed"),
    (("replay_seek",), "go to"),
)


class ReplayBar(Static):
    DEFAULT_CSS = """
    ReplayBar {
        height: 1;
        padding: 0 1;
        background: $boost;
        color: $foreground;
    }
    ReplayBar > .replay-bar--done {
        color: $accent;
    }
    ReplayBar > .replay-bar--left {
        color: $foreground-muted;
    }
    """
    COMPONENT_CLASSES = {"replay-bar--done", "replay-bar--left"}

    def __init__(self, player: Player) -> None:
        super().__init__()
        self._player = player

    def on_mount(self) -> None:
        self.show_player()

    def show_player(self) -> None:
        player = self._player
        if player.playing:
            state = "► replaying"
        elif player.at_end:
            state = "■ ended"
        else:
            state = "‖ paused"
        fraction = player.position / player.duration if player.duration else 1.0
        done = round(fraction * PROGRESS_CELLS)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(state, style="bold")
        text.append(f" {clock_text(player.position)}/{clock_text(player.duration)} ")
        style = self.get_component_rich_style
        text.append("━" * done, style=style("replay-bar--done", partial=True))
        text.append("─" * (PROGRESS_CELLS - done), style=style("replay-bar--left", partial=True))
        text.append(f" {player.speed:g}x · batch {player.applied}/{len(player.recording.batches)}")
        text.append(f" · {player.clock():%Y-%m-%d %H:%M:%S} · ")
        text.append(self._key_hints(), style=style("replay-bar--left", partial=True))
        self.update(text)

    def _key_hints(self) -> str:
        """The replay keys as bound now (a keymap may have moved them): the footer has room for only some."""
        keys: dict[str, str] = {}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            keys.setdefault(binding.action, binding.key_display or self.app.get_key_display(binding))
        hints = []
        for actions, label in KEY_HINTS:
            if all(action in keys for action in actions):
                hints.append(" ".join(keys[action] for action in actions) + f" {label}")
        return " ".join(hints)
