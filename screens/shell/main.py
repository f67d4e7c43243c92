"""The `hyptui` entry point: the engine's command line, handed the Textual UI to run the app, a replay or the
browser server with."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from hyptui.commands import parser
from hyptui.commands.interface import AppLaunch

if TYPE_CHECKING:
    from hyptui.recording.recording_file import Recording


class TextualInterface:
    """Each verb imports its screens when used, so `hyptui init` or `hyptui sim` never load Textual."""

    def run_app(self, launch: AppLaunch) -> int:
        from hyptui.screens.shell import app

        return app.run(launch)

    def replay(self, recording: Recording, *, speed: float) -> int:
        from hyptui.screens.replay import app

        return app.run(recording, speed=speed)

    def serve(self, arguments: list[str], host: str, port: int) -> int:
        from hyptui.screens.shell import serve

        return serve.run(serve.app_command(arguments), host, port)


def main(argv: Sequence[str] | None = None) -> int:
    return parser.run(argv, TextualInterface())


if __name__ == "__main__":  # `python -m hyptui.screens.shell.main`, as textual-serve's tabs and the tests start it
    sys.exit(main())
