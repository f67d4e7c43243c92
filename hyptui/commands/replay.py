"""`hyptui replay FILE`: a session recorded with `--record`, played back offline and read-only."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hyptui.commands import arguments


def register(commands: argparse._SubParsersAction) -> None:
    replay = commands.add_parser("replay", help="replay a session recorded with --record, offline and read-only")
    replay.add_argument("file", type=Path, help="the recording (JSON lines written by --record)")
    replay.add_argument("--speed", type=arguments.speed, default=1.0, help="recorded seconds per real second")
    replay.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from hyptui.recording.recording_file import RecordingError, read_recording

    try:
        recording = read_recording(args.file)
    except RecordingError as error:
        print(f"hyptui replay: {error}", file=sys.stderr)
        return 2
    return args.ui.replay(recording, speed=args.speed)
