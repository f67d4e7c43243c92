"""What the commands need from the UI: the entry point (on the UI side) passes its own, so the engine runs the app
without ever importing it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from hyptui.aws.target import AwsTarget
    from hyptui.kube.target import KubeTarget
    from hyptui.recording.recorder import Recorder
    from hyptui.recording.recording_file import Recording
    from hyptui.walkthrough.stage import WalkthroughStage


class Interface(Protocol):
    def run_app(
        self,
        target: KubeTarget,
        *,
        readonly: bool,
        clock: Callable[[], datetime] | None,
        title: str | None,
        aws: AwsTarget | None,
        open_directory: Path | None,
        recorder: Recorder | None,
        walkthrough: WalkthroughStage | None,
    ) -> int:
        """The app on a cluster until the user quits; its exit code."""

    def replay(self, recording: Recording, *, speed: float) -> int:
        """A recording played back offline."""

    def serve(self, arguments: list[str], host: str, port: int) -> int:
        """The app run with `arguments` (a hyptui command line) for each web browser tab, until ctrl+c."""
