"""`hyptui replay`: the app fed by a recording's player instead of a cluster: offline, read-only, every section,
detail and YAML view navigable, with play/pause, step, seek and speed keys and a replay bar on each screen."""

from __future__ import annotations

from pathlib import Path

from textual.screen import ModalScreen, Screen

from hyptui.kube.target import KubeTarget
from hyptui.recording.offline_aws import OfflineAwsTarget
from hyptui.recording.player import Player
from hyptui.recording.recording_file import Recording
from hyptui.screens.replay.bar import ReplayBar
from hyptui.screens.replay.seek_prompt import SeekPrompt
from hyptui.screens.shell.app import HyptuiApp
from hyptui.screens.shell.connection_bar import ConnectionBar
from hyptui.screens.shell.verb_bindings import bindings
from hyptui.settings.user_config import config_path

TICK_SECONDS = 0.1
JUMP = 0.1  # of the recording, per `[` or `]`


class ReplayApp(HyptuiApp):
    BINDINGS = bindings(
        "replay_pause",
        "replay_step",
        "replay_back",
        "replay_forward",
        "replay_slower",
        "replay_faster",
        "replay_seek",
    )

    def __init__(
        self, recording: Recording, *, speed: float = 1.0, playing: bool = True, config_path: Path | None = None
    ) -> None:
        """`playing`: start playing at once (else paused at the start)."""
        self.player = Player(recording, speed=speed)
        super().__init__(
            KubeTarget(),
            readonly=True,
            clock=self.player.clock,
            title=f"replay · {recording.header.context}" if recording.header.context else "replay",
            config_path=config_path,
            aws=OfflineAwsTarget(),
            feed=self.player.store,
        )
        self._play_at_start = playing

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, self._add_bar)
        self.set_interval(TICK_SECONDS, self._tick)
        for notice in self.player.recording.notices:
            self.notify(notice, severity="warning", timeout=10)
        if self._play_at_start:
            self.player.play()

    def _add_bar(self, screen: Screen) -> None:
        if isinstance(screen, ModalScreen) or screen.query(ReplayBar):
            return
        header = screen.query(ConnectionBar)
        if header:
            screen.mount(ReplayBar(self.player), after=header.first())
        else:
            screen.mount(ReplayBar(self.player), before=0)

    def _tick(self) -> None:
        if self.player.playing:
            self.player.tick()
            self._show_player()

    def _show_player(self) -> None:
        for bar in self.screen.query(ReplayBar):
            bar.show_player()

    def _moved(self) -> None:
        """After a control: the bar, and the ages that follow the recorded clock, redrawn at once."""
        self._show_player()
        self.state_changed.publish(self.store.state)

    def action_replay_pause(self) -> None:
        self.player.toggle()
        self._moved()

    def action_replay_step(self) -> None:
        self.player.step()
        self._moved()

    def action_replay_back(self) -> None:
        self.player.seek(self.player.position - JUMP * self.player.duration)
        self._moved()

    def action_replay_forward(self) -> None:
        self.player.seek(self.player.position + JUMP * self.player.duration)
        self._moved()

    def action_replay_slower(self) -> None:
        self.player.slower()
        self._moved()

    def action_replay_faster(self) -> None:
        self.player.faster()
        self._moved()

    def action_replay_seek(self) -> None:
        def chosen(position: float | None) -> None:
            if position is not None:
                self.player.seek(position)
                self._moved()

        self.push_screen(SeekPrompt(self.player.duration), chosen)


def run(recording: Recording, *, speed: float = 1.0) -> int:
    return ReplayApp(recording, speed=speed, config_path=config_path()).run() or 0
