from __future__ import annotations

import pytest

from hyptui.hyperpod.kinds import EVENTS, HYPERPOD_PYTORCH_JOBS, NODES, PODS
from hyptui.sim.apiserver.errors import ApiError
from hyptui.sim.apiserver.selectors import FieldSelector, field_value, parse_label_selector


@pytest.mark.parametrize("selector", ["app in trainer", "=x", "app=(x)", "a,", "team in (ml", "a b", "!", "n>x"])
def test_invalid_label_selector_is_a_bad_request(selector: str) -> None:
    with pytest.raises(ApiError) as raised:
        parse_label_selector(selector)
    assert raised.value.code == 400
    assert raised.value.reason == "BadRequest"
    assert raised.value.message.startswith("unable to parse requirement")


POD = {
    "metadata": {"name": "p1", "namespace": "team"},
    "spec": {"nodeName": "node-a", "restartPolicy": "Never"},
    "status": {"phase": "Running"},
}


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("", True),
        ("metadata.name=p1", True),
        ("metadata.name==p2", False),
        ("metadata.namespace=team", True),
        ("spec.nodeName=node-a,status.phase=Running", True),
        ("spec.nodeName!=node-a", False),
        ("status.phase!=Pending", True),
        ("spec.nodeName=", False),
        ("status.podIP=", True),
        ("spec.hostNetwork=false", True),
    ],
)
def test_field_selector_on_pods(selector: str, expected: bool) -> None:
    assert FieldSelector.parse(selector, PODS).matches(POD) is expected


def test_unsupported_field_label_is_rejected_with_the_real_message() -> None:
    with pytest.raises(ApiError) as raised:
        FieldSelector.parse("spec.containers=x", PODS)
    assert raised.value.code == 400
    assert raised.value.message == "field label not supported: spec.containers"


def test_custom_resources_only_select_on_name_and_namespace() -> None:
    FieldSelector.parse("metadata.name=j,metadata.namespace=team", HYPERPOD_PYTORCH_JOBS)
    with pytest.raises(ApiError, match=r"field label not supported: status\.phase"):
        FieldSelector.parse("status.phase=Running", HYPERPOD_PYTORCH_JOBS)


def test_cluster_scoped_kinds_have_no_namespace_field() -> None:
    with pytest.raises(ApiError, match=r"field label not supported: metadata\.namespace"):
        FieldSelector.parse("metadata.namespace=x", NODES)


def test_field_selector_without_operator_is_rejected() -> None:
    with pytest.raises(ApiError) as raised:
        FieldSelector.parse("metadata.name", PODS)
    assert raised.value.code == 400


def test_event_fields_and_source_component() -> None:
    event = {
        "metadata": {"name": "e", "namespace": "team"},
        "involvedObject": {"kind": "Pod", "name": "p1", "namespace": "team", "uid": "u1"},
        "source": {"component": "kubelet"},
        "type": "Warning",
    }
    selector = FieldSelector.parse("involvedObject.name=p1,involvedObject.namespace=team,source=kubelet", EVENTS)
    assert selector.matches(event)
    assert not FieldSelector.parse("involvedObject.uid=u2", EVENTS).matches(event)
    assert FieldSelector.parse("involvedObject.namespace=,type=Warning", EVENTS).matches(
        {**event, "involvedObject": {"name": "cq1"}}
    )


def test_field_selector_values_may_escape_separators() -> None:
    obj = {"metadata": {"name": "a,b=c"}}
    assert FieldSelector.parse(r"metadata.name=a\,b\=c", NODES).matches(obj)


def test_field_value_renders_booleans_like_the_api_server() -> None:
    assert field_value({"spec": {"unschedulable": True}}, "spec.unschedulable") == "true"
    assert field_value({"spec": {}}, "spec.unschedulable") == "false"
    assert field_value({}, "status.phase") == ""
