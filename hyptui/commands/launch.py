"""Starting the app from a command: the recorder `--record` asks for, then the UI's own loop."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from hyptui.aws.target import AwsTarget
from hyptui.commands.interface import Interface
from hyptui.kube.target import KubeTarget

if TYPE_CHECKING:
    from hyptui.walkthrough.stage import WalkthroughStage


def run_app(
    ui: Interface,
    target: KubeTarget,
    *,
    readonly: bool,
    clock: Callable[[], datetime] | None = None,
    title: str | None = None,
    aws: AwsTarget | None = None,
    open_directory: Path | None = None,
    record: Path | None = None,
    walkthrough: WalkthroughStage | None = None,
) -> int:
    recorder = None
    if record is not None:
        from hyptui.recording.recorder import open_recorder

        try:
            recorder = open_recorder(record, target, aws or AwsTarget())
        except OSError as error:
            print(f"hyptui: --record {record}: {error.strerror or error}", file=sys.stderr)
            return 2
    return ui.run_app(
        target,
        readonly=readonly,
        clock=clock,
        title=title,
        aws=aws,
        open_directory=open_directory,
        recorder=recorder,
        walkthrough=walkthrough,
    )
