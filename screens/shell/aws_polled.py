"""A screen that shows AWS data: its pollers (hyptui.aws.poller) run while it is the screen in front, stop when
another covers it or it goes, and poll at once when it comes back or `r` asks."""

from __future__ import annotations

from hyptui.aws.poller import AwsPoller, Read
from hyptui.screens.shell.base import LiveScreen


class AwsPolledScreen(LiveScreen):
    def __init__(self) -> None:
        super().__init__()
        self._pollers: list[AwsPoller] = []

    def poll(self, read: Read, *, topic: str, interval: float) -> None:
        """Dispatch what `read` returns every `interval` seconds while the screen is in front."""
        poller = AwsPoller(read, self.hyptui.store.dispatch, topic=topic, interval=interval)
        self._pollers.append(poller)
        if self.is_current:
            poller.start()

    def on_screen_resume(self) -> None:
        for poller in self._pollers:
            poller.start()

    def on_screen_suspend(self) -> None:
        for poller in self._pollers:
            poller.stop()

    def on_unmount(self) -> None:
        self.on_screen_suspend()

    def action_reload(self) -> None:
        for poller in self._pollers:
            poller.refresh()
