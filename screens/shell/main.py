"""The `hyptui` entry point: the engine's command line, handed the Textual UI to run the app, a replay or the
browser server with."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from hyptui.commands import parser

if TYPE_CHECKING:
    from hyptui.aws.target import AwsTarget
    from hyptui.kube.target import KubeTarget
    from hyptui.recording.recorder import Recorder
    from hyptui.recording.recording_file import Recording
    from hyptui.walkthrough.stage import WalkthroughStage


class TextualInterface:
    """Each verb imports its screens when used, so `hyptui init` or `hyptui sim` never load Textual."""

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
        from hyptui.screens.shell import app

        return app.run(
            target,
            readonly=readonly,
            clock=clock,
            title=title,
            aws=aws,
            open_directory=open_directory,
            recorder=recorder,
            walkthrough=walkthrough,
        )

    def replay(self, recording: Recording, *, speed: float) -> int:
        from hyptui.screens.replay import app

        return app.run(recording, speed=speed)

    def serve(self, arguments: list[str], host: str, port: int) -> int:
        from hyptui.screens.shell import serve

        return serve.run(serve.app_command(arguments), host, port)


def main(argv: Sequence[str] | None = None) -> int:
    return parser.run(argv, TextualInterface())
