"""What the commands need from the UI: the entry point (on the UI side) passes its own, so the engine runs the app
without ever importing it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from hyptui.aws.target import AwsTarget
    from hyptui.kube.target import KubeTarget
    from hyptui.recording.recorder import Recorder
    from hyptui.recording.recording_file import Recording
    from hyptui.walkthrough.stage import WalkthroughStage


@dataclass(frozen=True, slots=True)
class AppLaunch:
    """The app a command asks for: which cluster, and what it starts with."""

    target: KubeTarget
    readonly: bool = False
    clock: Callable[[], datetime] | None = None  # None: the wall clock; `hyptui demo`: simulated time
    title: str | None = None
    aws: AwsTarget | None = None
    open_directory: Path | None = None  # `hyptui open DIR`: its form on top
    recorder: Recorder | None = None  # `--record FILE`
    walkthrough: WalkthroughStage | None = None  # `hyptui demo`: walkthroughs may run


class Interface(Protocol):
    def run_app(self, launch: AppLaunch) -> int:
        """The app until the user quits; its exit code."""

    def replay(self, recording: Recording, *, speed: float) -> int:
        """A recording played back offline."""

    def serve(self, arguments: list[str], host: str, port: int) -> int:
        """The app run with `arguments` (a hyptui command line) for each web browser tab, until ctrl+c."""
