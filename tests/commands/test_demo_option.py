"""`hyptui demo --walkthrough FILE` checks the file before anything starts: its mistakes, and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from hyptui.screens.shell.main import main
from hyptui.sim import cluster as sim_cluster


def test_a_malformed_walkthrough_stops_the_demo_before_the_cluster_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cluster must not start")

    monkeypatch.setattr(sim_cluster.EmbeddedCluster, "__init__", never)
    mine = tmp_path / "mine.yaml"
    mine.write_text(
        "title: mine\nmodules:\n  - name: training\n    title: T\n    steps:\n"
        "      - {narration: n, action: {type: fault_node}}\n"
        "      - {narration: n, action: {type: section, section: jobs}, expect: {type: node, health: x, node: a}}\n"
        "      - {narration: n, action: {type: delete, kind: jobz, name: j}}\n",
        encoding="utf-8",
    )
    assert main(["demo", "--walkthrough", str(mine)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"hyptui demo: walkthrough {mine} does not load:",
        "  module 'training', step 1, action: give either node or pod (namespace/pod), not both",
        "  module 'training', step 3, action.kind: unknown kind 'jobz'; one of clusterqueues, events, "
        "inferenceendpointconfigs, jobs, jumpstartmodels, localqueues, namespaces, nodes, pods, resourceflavors, "
        "sagemakerendpointregistrations, workloadpriorityclasses, workloads, workspaces, workspacetemplates",
    ]


def test_an_unknown_name_lists_the_shipped_walkthroughs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(Path(__file__).parent)
    assert main(["demo", "--walkthrough", "tlak"]) == 2
    assert "cannot read it (No such file or directory); shipped walkthroughs: talk" in capsys.readouterr().err
