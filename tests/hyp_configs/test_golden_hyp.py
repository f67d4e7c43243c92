"""Directories written by the real `hyp` (tests/config/fixtures/hyp): hyptui reads every value, writes the same bytes,
initialises identical directories, reports hyp's validation messages, renders the same manifests and derives the same
submitted jobs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from hyptui.hyp_configs.capacity import CapacityError
from hyptui.hyp_configs.config_file import ConfigDocument, config_text, init_directory, initial_values
from hyptui.hyp_configs.render import parse_manifest, render, submission_object
from hyptui.hyp_configs.validation import hyp_messages
from tests.paths import HYP_FIXTURES

FIXTURES = HYP_FIXTURES
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
# edited by hand after hyp wrote them (COMMANDS.log): hyp's writer would normalise the edited line, and so does ours
HAND_EDITED = {"pytorch-1.1-invalid-cross", "pytorch-1.1-invalid-volume"}
TEMPLATE_OF_EMPTY = {
    "pytorch-1.1-empty": "hyp-pytorch-job",
    "custom-endpoint-1.2-empty": "hyp-custom-endpoint",
    "jumpstart-endpoint-1.2-empty": "hyp-jumpstart-endpoint",
    "cluster-stack-1.0-empty": "cluster-stack",
}


def _hyp_output(case: str, verb: str) -> list[str]:
    return (FIXTURES / case / f".{verb}.out").read_text(encoding="utf-8").splitlines()


def _error_lines(lines: list[str]) -> list[str]:
    """The `  \u2013 loc: message` lines of a hyp error report (multi-line messages stay joined)."""
    body = "\n".join(line for line in lines[1:] if not line.startswith(("exit ", "❌  config.yaml was not updated")))
    return [entry for entry in body.split("  \u2013 ") if entry]


def _run_file(case: str, name: str) -> Path:
    (found,) = (FIXTURES / case / "run").glob(f"*/{name}")
    return found


def test_the_fixtures_cover_every_template_hyp_can_init() -> None:
    templates = {ConfigDocument.load(FIXTURES / case).template.name for case in CASES}
    assert templates == {"hyp-pytorch-job", "hyp-custom-endpoint", "hyp-jumpstart-endpoint", "cluster-stack"}
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES)
def test_every_value_hyp_wrote_is_read_intact(case: str) -> None:
    text = (FIXTURES / case / "config.yaml").read_text(encoding="utf-8")
    document = ConfigDocument.load(FIXTURES / case)
    assert dict(document.values) == yaml.safe_load(text)
    assert text.startswith(f"# template: {document.template.name}\n# version: {document.template.version}\n\n")
    assert (FIXTURES / case / ".hyp").read_text() == document.template.name


def test_values_of_the_reference_job_are_typed_as_hyp_reads_them() -> None:
    values = ConfigDocument.load(FIXTURES / "pytorch-1.1-basic").values
    assert values["command"] == ["python", "train.py"]
    assert values["environment"] == {"NCCL_DEBUG": "INFO"}
    assert values["volume"][1] == {
        "name": "fsx",
        "type": "pvc",
        "mount_path": "/data",
        "claim_name": "fsx-claim",
        "read_only": False,
    }
    assert values["replica_count"] == 2 and values["accelerators"] == 1 and values["tasks_per_node"] == "auto"


@pytest.mark.parametrize("case", sorted(set(CASES) - HAND_EDITED))
def test_writing_the_same_values_gives_the_same_bytes(case: str) -> None:
    document = ConfigDocument.load(FIXTURES / case)
    expected = (FIXTURES / case / "config.yaml").read_text(encoding="utf-8")
    assert config_text(document.template, document.values) == expected


@pytest.mark.parametrize("case", sorted(HAND_EDITED))
def test_an_unchanged_hand_edited_file_is_saved_back_untouched(case: str, tmp_path: Path) -> None:
    source = FIXTURES / case / "config.yaml"
    (tmp_path / "config.yaml").write_bytes(source.read_bytes())
    (tmp_path / ".hyp").write_bytes((FIXTURES / case / ".hyp").read_bytes())
    ConfigDocument.load(tmp_path).save()
    assert (tmp_path / "config.yaml").read_bytes() == source.read_bytes()
    changed = ConfigDocument.load(tmp_path).update({"job_name": "renamed"})
    assert changed.text() != source.read_text() and "job_name: renamed\n" in changed.text()


@pytest.mark.parametrize(("case", "template"), sorted(TEMPLATE_OF_EMPTY.items()))
def test_init_writes_the_directory_hyp_init_writes(case: str, template: str, tmp_path: Path) -> None:
    init_directory(tmp_path / "new", template)
    written = sorted(p.name for p in (tmp_path / "new").iterdir())
    golden = sorted(p.name for p in (FIXTURES / case).iterdir() if not p.name.endswith(".out"))
    assert written == golden
    for name in written:
        assert (tmp_path / "new" / name).read_bytes() == (FIXTURES / case / name).read_bytes(), name


def test_init_of_schema_1_0_matches_hyp_init_version_1_0() -> None:
    document = ConfigDocument.load(FIXTURES / "pytorch-1.0-basic")
    assert document.template.version == "1.0"
    defaults = initial_values(document.template)
    assert defaults == {"namespace": "default", "node_count": 1, "deep_health_check_passed_nodes_only": False}


@pytest.mark.parametrize("case", [c for c in CASES if (FIXTURES / c / ".validate.out").exists()])
def test_validation_messages_are_hyp_validates(case: str) -> None:
    document = ConfigDocument.load(FIXTURES / case)
    lines = _hyp_output(case, "validate")
    expected = _error_lines(lines) if lines[0].startswith("❌") else []
    assert [f"{m}" for m in hyp_messages(document.template, document.values)] == [e.rstrip("\n") for e in expected]
    assert lines[-1] == ("exit 1" if expected else "exit 0")


def test_configure_refuses_the_same_input_with_the_same_words() -> None:
    document = ConfigDocument.load(FIXTURES / "pytorch-1.1-badinput")
    provided = {"job_name": "Bad_Name", "replica_count": 0}
    messages = hyp_messages(document.template, document.update(provided).values)
    about_input = [str(m) for m in messages if set(m.fields) & set(provided)]
    assert about_input == [e.rstrip("\n") for e in _error_lines(_hyp_output("pytorch-1.1-badinput", "configure"))]


@pytest.mark.parametrize("case", [c for c in CASES if (FIXTURES / c / "run").is_dir()])
def test_render_gives_the_file_hyp_create_wrote(case: str) -> None:
    document = ConfigDocument.load(FIXTURES / case)
    expected = _run_file(case, document.template.rendered_file).read_text(encoding="utf-8")
    assert render(document) == expected


@pytest.mark.parametrize("case", [c for c in CASES if (FIXTURES / c / ".submitted.json").exists()])
def test_the_submitted_job_is_the_one_the_sdk_submitted(case: str) -> None:
    document = ConfigDocument.load(FIXTURES / case)
    submitted = json.loads((FIXTURES / case / ".submitted.json").read_text())
    assert submission_object(parse_manifest(render(document)), "default") == submitted


@pytest.mark.parametrize("case", ["pytorch-1.1-overcapacity", "pytorch-1.1-nolimit"])
def test_jobs_the_sdk_refuses_are_refused_with_its_words(case: str) -> None:
    failure = next(line for line in _hyp_output(case, "create") if "Failed to submit" in line)
    with pytest.raises(CapacityError) as refused:
        submission_object(parse_manifest(render(ConfigDocument.load(FIXTURES / case))), "default")
    assert failure == f"❌  Failed to submit the command: {refused.value}"
