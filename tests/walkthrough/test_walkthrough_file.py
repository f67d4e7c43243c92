"""Walkthrough files: the shipped one loads; every mistake is named by module, step number and field, in the file's
own terms (no union tags, no list index for a single expectation)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hyptui.views.sections import SECTIONS
from hyptui.walkthrough.load import WalkthroughError, load_walkthrough, parse_walkthrough, shipped_names
from hyptui.walkthrough.model import FaultNodeAction, JobExpect, OpenFormAction

HEAD = "title: t\nmodules:\n  - name: training\n    title: Training\n    steps:\n"
GOOD_STEP = "      - {narration: n, action: {type: section, section: jobs}}\n"


def problems(steps: str) -> tuple[str, ...]:
    with pytest.raises(WalkthroughError) as raised:
        parse_walkthrough(HEAD + GOOD_STEP + GOOD_STEP + steps, "mine.yaml")
    assert raised.value.source == "mine.yaml"
    return raised.value.messages


def test_the_shipped_talk_has_the_five_modules_of_the_talk() -> None:
    assert "talk" in shipped_names()
    talk = load_walkthrough("talk")
    assert [module.name for module in talk.modules] == ["cluster", "training", "inference", "governance", "spaces"]
    assert talk.speed == 10
    fault = talk.modules[1].steps[4]
    assert isinstance(fault.action, FaultNodeAction) and fault.action.reboot
    assert isinstance(talk.modules[1].steps[5].expect[0], JobExpect)
    form = talk.modules[3].steps[7].action  # the YAML merge key gives team B's job team A's other values
    assert isinstance(form, OpenFormAction) and form.values["namespace"] == "hyperpod-ns-team-b"
    assert form.values["image"].endswith("qwen3-finetuning:pytorch2.8-cu129")


def test_a_missing_field_names_module_step_and_field() -> None:
    assert problems("      - {narration: n, action: {type: fault_node, reboot: true}}\n") == (
        "module 'training', step 3, action: give either node or pod (namespace/pod), not both",
    )
    assert problems("      - {narration: n, action: {type: delete, kind: jobs}}\n") == (
        "module 'training', step 3, action.name: field required",
    )


def test_an_unknown_action_or_field_is_named() -> None:
    assert problems("      - {narration: n, action: {type: jump}}\n") == (
        "module 'training', step 3, action: unknown type 'jump'; one of 'section', 'open_form', 'create', 'select', "
        "'fault_node', 'invoke', 'delete', 'verb', 'wait'",
    )
    assert problems("      - {narration: n, action: {section: jobs}}\n") == (
        "module 'training', step 3, action: type: field required",
    )
    assert problems("      - {narration: n, action: {type: wait, for: ever}}\n") == (
        "module 'training', step 3, action.for: unknown field",
    )
    assert problems("      - {narration: n, action: {type: section, section: jbos}}\n") == (
        f"module 'training', step 3, action.section: unknown section 'jbos'; one of {', '.join(sorted(SECTIONS))}",
    )


def test_a_bad_expectation_is_named_by_its_place() -> None:
    single = "      - {narration: n, action: {type: wait}, expect: {type: job, namespace: a, name: b}}\n"
    assert problems(single) == ("module 'training', step 3, expect.status: field required",)
    listed = (
        "      - narration: n\n        action: {type: wait}\n        expect:\n"
        "          - {type: absent, kind: jobs, name: b}\n"
        "          - {type: workload, namespace: a, job: b, state: RUN}\n"
    )
    [message] = problems(listed)
    assert message.startswith("module 'training', step 3, expect[2].state: input should be 'ADMITTED'")
    assert problems("      - {narration: n, action: {type: wait}, timeout: 0}\n") == (
        "module 'training', step 3, timeout: input should be greater than 0",
    )


def test_form_values_and_templates_are_checked_before_the_demo() -> None:
    unknown = "      - {narration: n, action: {type: open_form, template: hyp-pytorch-job, values: {nodes: 2}}}\n"
    assert problems(unknown) == ("module 'training', step 3, action: hyp-pytorch-job has no field nodes",)
    template = "      - {narration: n, action: {type: open_form, template: hyp-job}}\n"
    assert problems(template) == ("module 'training', step 3, action: unknown template 'hyp-job'",)
    body = "      - {narration: n, action: {type: invoke, namespace: d, name: e, body: '{oops'}}\n"
    [message] = problems(body)
    assert message.startswith("module 'training', step 3, action.body: not JSON: ")


def test_file_level_problems(tmp_path: Path) -> None:
    with pytest.raises(WalkthroughError) as raised:
        parse_walkthrough("title: t\nmodules: [\n", "x.yaml")
    assert raised.value.messages[0].startswith("line 3, column 1: not valid YAML")
    with pytest.raises(WalkthroughError) as raised:
        parse_walkthrough("title: t\nmodules: []\n", "x.yaml")
    assert raised.value.messages == ("modules: needs at least 1 item",)
    with pytest.raises(WalkthroughError) as raised:
        load_walkthrough(str(tmp_path / "missing.yaml"))
    assert raised.value.messages == ("cannot read it (No such file or directory); shipped walkthroughs: talk",)
    second = GOOD_STEP.replace("{narration: n", "{narration: ''")
    with pytest.raises(WalkthroughError) as raised:
        parse_walkthrough(HEAD + second, "x.yaml")
    assert raised.value.messages == ("module 'training', step 1, narration: string should have at least 1 character",)
