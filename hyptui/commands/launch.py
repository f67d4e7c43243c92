"""Starting the app from a command: the recorder `--record` asks for, then the UI's own loop."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from hyptui.aws.target import AwsTarget
from hyptui.commands.interface import AppLaunch, Interface


def run_app(ui: Interface, launch: AppLaunch, *, record: Path | None) -> int:
    if record is not None:
        from hyptui.recording.recorder import open_recorder

        try:
            recorder = open_recorder(record, launch.target, launch.aws or AwsTarget())
        except OSError as error:
            print(f"hyptui: --record {record}: {error.strerror or error}", file=sys.stderr)
            return 2
        launch = replace(launch, recorder=recorder)
    return ui.run_app(launch)
