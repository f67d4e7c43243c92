"""`hyptui replay` and `--record` refuse what they cannot use before the screen is taken over, saying why."""

from __future__ import annotations

from pathlib import Path

from hyptui.commands.parser import build_parser
from hyptui.screens.shell.main import main


def test_replay_names_the_bad_line_and_exits_2(tmp_path: Path, capsys) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"hyptui_recording": 1, "started": "2026-11-28T10:00:00+00:00"}\n{"batch": 0}\n')
    assert main(["replay", str(path)]) == 2
    assert capsys.readouterr().err == f"hyptui replay: {path}, line 2: no 'action' field naming the action's class\n"


def test_replay_takes_a_speed_and_record_is_shared_by_the_app_commands(tmp_path: Path) -> None:
    args = build_parser().parse_args(["replay", "session.jsonl", "--speed", "4"])
    assert args.file == Path("session.jsonl") and args.speed == 4
    args = build_parser().parse_args(["--record", "s.jsonl", "demo"])
    assert args.record == Path("s.jsonl") and args.command == "demo"


def test_record_to_an_unwritable_place_is_refused(tmp_path: Path, capsys) -> None:
    target = tmp_path / "missing-directory" / "s.jsonl"
    assert main(["--kubeconfig", str(tmp_path / "kubeconfig"), "--record", str(target)]) == 2
    assert capsys.readouterr().err == f"hyptui: --record {target}: No such file or directory\n"
