"""The embedded cluster's kubeconfig is merged into an existing file as kind does: the user's other contexts and their
credentials survive, `hyptui-sim` becomes current, the previous file is kept, a symlinked file is written through,
and a file that is not a kubeconfig is refused and left as it was — by the function and by `hyptui sim`."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest
import yaml

from hyptui.settings.kubeconfig_merge import BACKUP_SUFFIX, KubeconfigError
from hyptui.sim.kubeconfig import SIM_CONTEXT, sim_kubeconfig, write_sim_kubeconfig
from tests.commands.hyptui_process import HYPTUI

PRODUCTION = {
    "apiVersion": "v1",
    "kind": "Config",
    "clusters": [{"name": "prod", "cluster": {"server": "https://prod.example:6443"}}],
    "users": [{"name": "prod-admin", "user": {"token": "eyJhbGciOiJSUzI1NiJ9.production-token"}}],
    "contexts": [{"name": "prod", "context": {"cluster": "prod", "user": "prod-admin"}}],
    "current-context": "prod",
}
PRODUCTION_TEXT = yaml.safe_dump(PRODUCTION, sort_keys=False)
SIM_URL = "http://127.0.0.1:6443"


def names(config: dict, key: str) -> list[str]:
    return [entry["name"] for entry in config[key]]


def test_a_new_file_holds_just_the_embedded_cluster(tmp_path: Path) -> None:
    path = write_sim_kubeconfig(tmp_path / "kubeconfig", SIM_URL)
    assert yaml.safe_load(path.read_text()) == sim_kubeconfig(SIM_URL)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kubeconfig"]


def test_merges_into_an_existing_kubeconfig_and_keeps_its_credentials(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text(PRODUCTION_TEXT)
    write_sim_kubeconfig(path, SIM_URL)
    written = yaml.safe_load(path.read_text())
    assert names(written, "clusters") == ["prod", SIM_CONTEXT]
    assert names(written, "users") == ["prod-admin", SIM_CONTEXT]
    assert names(written, "contexts") == ["prod", SIM_CONTEXT]
    assert written["users"][0] == PRODUCTION["users"][0]
    assert written["current-context"] == SIM_CONTEXT
    assert (tmp_path / f"config{BACKUP_SUFFIX}").read_text() == PRODUCTION_TEXT


def test_a_second_run_replaces_only_its_own_entries(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text(PRODUCTION_TEXT)
    write_sim_kubeconfig(path, SIM_URL)
    write_sim_kubeconfig(path, "http://127.0.0.1:7443")
    written = yaml.safe_load(path.read_text())
    assert names(written, "clusters") == ["prod", SIM_CONTEXT]
    assert names(written, "users") == ["prod-admin", SIM_CONTEXT]
    assert written["clusters"][1]["cluster"]["server"] == "http://127.0.0.1:7443"
    assert written["clusters"][0] == PRODUCTION["clusters"][0] and written["contexts"][0] == PRODUCTION["contexts"][0]


def test_a_symlinked_kubeconfig_is_merged_through_the_link(tmp_path: Path) -> None:
    target = tmp_path / "dotfiles" / "kube-config"
    target.parent.mkdir()
    target.write_text(PRODUCTION_TEXT)
    link = tmp_path / ".kube" / "config"
    link.parent.mkdir()
    link.symlink_to(target)
    write_sim_kubeconfig(link, SIM_URL)
    assert link.is_symlink() and link.resolve() == target
    assert names(yaml.safe_load(target.read_text()), "contexts") == ["prod", SIM_CONTEXT]


@pytest.mark.parametrize("text", ["clusters: {not: a list}\n", "clusters: [\n", "- just\n- a list\n"])
def test_a_file_that_is_not_a_kubeconfig_is_refused_and_left_alone(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config"
    path.write_text(text)
    with pytest.raises(KubeconfigError, match="kubeconfig"):
        write_sim_kubeconfig(path, SIM_URL)
    assert path.read_text() == text
    assert [p.name for p in tmp_path.iterdir()] == ["config"]


def test_a_kubeconfig_that_is_not_utf8_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_bytes(b"current-context: \xff\xfe\n")
    with pytest.raises(KubeconfigError, match="not UTF-8"):
        write_sim_kubeconfig(path, SIM_URL)
    assert path.read_bytes() == b"current-context: \xff\xfe\n"


def test_hyptui_sim_merges_into_an_existing_kubeconfig_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text(PRODUCTION_TEXT)
    process = subprocess.Popen(
        [*HYPTUI, "sim", "--http", "--kubeconfig", str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        banner = [process.stdout.readline() for _ in range(3)]
        assert banner[1].startswith(f"kubeconfig updated: {path.resolve()} (context {SIM_CONTEXT} ")
        assert f"previous file saved as {path.resolve()}{BACKUP_SUFFIX}" in banner[1]
        written = yaml.safe_load(path.read_text())
        assert names(written, "contexts") == ["prod", SIM_CONTEXT] and written["users"][0] == PRODUCTION["users"][0]
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def test_hyptui_sim_refuses_a_file_that_is_not_a_kubeconfig(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("- my shopping list\n")
    process = subprocess.Popen(
        [*HYPTUI, "sim", "--http", "--kubeconfig", str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 2
    assert f"the kubeconfig {path} is not a mapping" in stderr and "choose another file with --kubeconfig" in stderr
    assert path.read_text() == "- my shopping list\n"
