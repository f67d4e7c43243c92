"""`e`: the merge patch that carries exactly the user's edit, the edits that cannot be sent, and the editor run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from hyptui.edits.object_edit import EditError, edit_patch, editor_command, merge_patch, object_yaml, run_editor

JOB = {
    "apiVersion": "sagemaker.amazonaws.com/v1",
    "kind": "HyperPodPyTorchJob",
    "metadata": {
        "name": "bert",
        "namespace": "team-a",
        "uid": "u-1",
        "resourceVersion": "42",
        "labels": {"team": "a", "old": "x"},
        "managedFields": [{"manager": "kubectl"}],
    },
    "spec": {"nprocPerNode": "4", "replicaSpecs": [{"name": "pod", "replicas": 2}]},
    "status": {"conditions": [{"type": "Running"}]},
}


def edited(change) -> str:
    obj = yaml.safe_load(object_yaml(JOB))
    change(obj)
    return yaml.safe_dump(obj)


def test_the_patch_holds_only_what_changed_with_removals_as_null() -> None:
    def change(obj: dict) -> None:
        obj["metadata"]["labels"] = {"team": "b"}
        obj["spec"]["replicaSpecs"][0]["replicas"] = 3
        obj["status"] = {"conditions": []}  # the controllers' to write: not sent
        obj["metadata"]["resourceVersion"] = "1"  # the server's: not sent

    assert edit_patch(JOB, edited(change)) == {
        "metadata": {"labels": {"team": "b", "old": None}},
        "spec": {"replicaSpecs": [{"name": "pod", "replicas": 3}]},  # lists are replaced whole (RFC 7386)
    }


def test_an_unchanged_object_is_an_empty_patch() -> None:
    assert edit_patch(JOB, object_yaml(JOB)) == {}
    assert merge_patch({"a": {"b": 1}}, {"a": {"b": 1}}) == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("spec: [unclosed\n", "line 2, column 1: not valid YAML"),
        ("- a list\n", "the object must stay a mapping"),
        (edited(lambda o: o["metadata"].update(name="other")), "metadata.name cannot change ('bert')"),
        (edited(lambda o: o.update(kind="Pod")), "kind cannot change ('HyperPodPyTorchJob')"),
    ],
)
def test_edits_that_cannot_be_sent_say_where_and_why(text: str, message: str) -> None:
    with pytest.raises(EditError, match=message.replace("(", r"\(").replace(")", r"\)")):
        edit_patch(JOB, text)


def test_the_editor_is_visual_then_editor_split_as_a_shell_would() -> None:
    assert editor_command({"VISUAL": "code --wait", "EDITOR": "vi"}) == ["code", "--wait"]
    assert editor_command({"EDITOR": "vim -u NONE"}) == ["vim", "-u", "NONE"]
    assert editor_command({"EDITOR": "  "}) is None


def test_the_editor_changes_a_temporary_file_that_is_read_back(tmp_path: Path) -> None:
    script = tmp_path / "editor.py"
    script.write_text("import sys, pathlib\np = pathlib.Path(sys.argv[1])\np.write_text(p.read_text().upper())\n")
    assert run_editor([sys.executable, str(script)], "kind: pod\n") == "KIND: POD\n"
