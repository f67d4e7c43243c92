"""The configs section's engine: config directories found under a root, each with its template and what `hyp
validate` would say, using directories the real `hyp init`/`configure` made (tests/config/fixtures/hyp)."""

from __future__ import annotations

import shutil
from pathlib import Path

from hyptui.hyp_configs.directories import config_directories
from tests.paths import HYP_FIXTURES

FIXTURES = HYP_FIXTURES


def test_finds_config_directories_with_their_template_and_validity(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "pytorch-1.1-basic", tmp_path / "team-a" / "llama")
    shutil.copytree(FIXTURES / "pytorch-1.1-invalid", tmp_path / "team-a" / "broken-values")
    shutil.copytree(FIXTURES / "jumpstart-endpoint-1.2-basic", tmp_path / "chat")
    unreadable = tmp_path / "not-yaml"
    unreadable.mkdir()
    (unreadable / "config.yaml").write_text("job_name: [unclosed\n")
    hidden = tmp_path / ".venv" / "lib"  # never searched: hidden folders hold no one's configs
    shutil.copytree(FIXTURES / "pytorch-1.1-basic", hidden)
    too_deep = tmp_path / "a" / "b" / "c" / "d"
    shutil.copytree(FIXTURES / "pytorch-1.1-basic", too_deep)

    found = {str(row.path.relative_to(tmp_path)): row for row in config_directories(tmp_path)}

    assert sorted(found) == ["chat", "not-yaml", "team-a/broken-values", "team-a/llama"]
    llama = found["team-a/llama"]
    assert (llama.template, llama.version, llama.problems, llama.state) == ("hyp-pytorch-job", "1.1", (), "Valid")
    assert llama.runs == 1  # the run/<time>/ hyp create left
    assert found["chat"].template == "hyp-jumpstart-endpoint" and found["chat"].state == "Valid"
    # the five lines `hyp validate` printed for this directory (its .validate.out), in its order
    broken = found["team-a/broken-values"]
    hyp_said = (FIXTURES / "pytorch-1.1-invalid" / ".validate.out").read_text().splitlines()
    assert [f"  \N{EN DASH} {line}" for line in broken.problems] == hyp_said[1:-1]
    assert broken.state == "Invalid"
    assert found["not-yaml"].state == "Unreadable"
    assert "config.yaml is not valid YAML" in found["not-yaml"].error


def test_the_root_itself_counts(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "cluster-stack-1.0-custom", tmp_path, dirs_exist_ok=True)
    [row] = config_directories(tmp_path)
    assert row.path == tmp_path and row.template == "cluster-stack"
