"""The server-side printers behind `kubectl get`: cells computed as kubectl 1.32's printers compute them, and the
JSONPath subset CRD printer columns use."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from hyptui.hyperpod.age import rfc3339
from hyptui.hyperpod.kinds import EVENTS, NODES, PODS, PrinterColumn, ResourceKind
from hyptui.sim.apiserver.event_views import EVENTS_V1, to_events_v1
from hyptui.sim.apiserver.jsonpath import JsonPath, JsonPathError
from hyptui.sim.apiserver.table_printers import render_table, table_version
from tests.sim.api_server import SIM_START

NOW = SIM_START + timedelta(days=3)


def cells(kind: ResourceKind, obj: dict[str, Any]) -> list[Any]:
    return render_table(kind, [obj], NOW)["rows"][0]["cells"]


def test_table_version_follows_the_accept_header() -> None:
    assert table_version("application/json;as=Table;v=v1;g=meta.k8s.io,application/json") == "v1"
    assert table_version("application/json;as=Table;v=v1beta1;g=meta.k8s.io") == "v1beta1"
    assert table_version("application/json;as=Table;v=v2;g=meta.k8s.io,application/json") is None
    assert table_version("application/json") is None


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (
            {"phase": "Succeeded", "containerStatuses": [{"state": {"terminated": {"reason": "Completed"}}}]},
            "Completed",
        ),
        ({"phase": "Failed", "containerStatuses": [{"state": {"terminated": {"exitCode": 3}}}]}, "ExitCode:3"),
        (
            {"phase": "Pending", "containerStatuses": [{"state": {"waiting": {"reason": "ImagePullBackOff"}}}]},
            "ImagePullBackOff",
        ),
        (
            {"phase": "Pending", "reason": "", "conditions": [{"type": "PodScheduled", "reason": "SchedulingGated"}]},
            "SchedulingGated",
        ),
    ],
)
def test_pod_status_cell(status: dict[str, Any], expected: str) -> None:
    pod = {"metadata": {"name": "p", "creationTimestamp": rfc3339(SIM_START)}, "spec": {"containers": [{}]}}
    assert cells(PODS, {**pod, "status": status})[2] == expected


def test_pod_restarts_age_and_readiness_gates() -> None:
    pod = {
        "kind": "Pod",
        "metadata": {"name": "p", "creationTimestamp": rfc3339(NOW - timedelta(hours=3, minutes=2))},
        "spec": {"containers": [{"name": "a"}, {"name": "b"}], "readinessGates": [{"conditionType": "x"}]},
        "status": {
            "phase": "Succeeded",
            "podIPs": [{"ip": "10.0.0.7"}],
            "conditions": [{"type": "x", "status": "True"}],
            "containerStatuses": [
                {
                    "name": "a",
                    "restartCount": 1,
                    "lastState": {"terminated": {"finishedAt": rfc3339(NOW - timedelta(seconds=95))}},
                },
                {"name": "b", "restartCount": 2, "ready": True, "state": {"running": {}}},
            ],
        },
    }
    row = render_table(PODS, [pod], NOW)["rows"][0]
    assert row["cells"][1:] == ["1/2", "Succeeded", "3 (95s ago)", "3h2m", "10.0.0.7", "<none>", "<none>", "1/1"]
    assert row["conditions"][0]["type"] == "Completed"


def test_node_roles_and_status() -> None:
    node = {
        "metadata": {
            "name": "n",
            "creationTimestamp": rfc3339(SIM_START),
            "labels": {"node-role.kubernetes.io/control-plane": "", "kubernetes.io/role": "gpu"},
        },
        "spec": {"unschedulable": True},
        "status": {},
    }
    assert cells(NODES, node)[1:4] == ["Unknown,SchedulingDisabled", "control-plane,gpu", "3d"]


def test_event_cells_in_both_apis() -> None:
    event = {
        "metadata": {"name": "p.1"},
        "involvedObject": {"kind": "Node", "name": ""},
        "reason": "Rebooted",
        "message": " node rebooted \n",
        "reportingComponent": "health-agent",
        "eventTime": "2025-01-03T23:59:00.000000Z",
        "type": "Warning",
    }
    expected = ["60s", "Warning", "Rebooted", "node", "", "health-agent", "node rebooted", "60s", 1, "p.1"]
    assert cells(EVENTS, event) == expected
    assert cells(EVENTS_V1, to_events_v1(event)) == expected
    series = {**event, "series": {"count": 7, "lastObservedTime": "2025-01-03T23:59:30.000000Z"}}
    assert cells(EVENTS, series)[0] == "30s" and cells(EVENTS, series)[8] == 7


def test_custom_columns_types_and_missing_values() -> None:
    kind = ResourceKind(
        key="widgets",
        group="example.com",
        version="v1",
        plural="widgets",
        kind="Widget",
        namespaced=True,
        singular="widget",
        printer_columns=(
            PrinterColumn("Admitted", "string", ".status.conditions[?(@.type=='Admitted')].status"),
            PrinterColumn("Pending", "integer", ".status.pending"),
            PrinterColumn("Weight", "number", ".spec.weight"),
            PrinterColumn("Active", "boolean", ".spec.active"),
            PrinterColumn("Since", "date", ".status.since"),
            PrinterColumn("Flavors", "string", ".spec.flavors"),
        ),
    )
    widget = {
        "metadata": {"name": "w"},
        "spec": {"weight": 2, "active": "yes", "flavors": ["a", "b"]},
        "status": {
            "conditions": [{"type": "QuotaReserved", "status": "True"}, {"type": "Admitted", "status": "False"}],
            "since": rfc3339(NOW - timedelta(minutes=5, seconds=30)),
        },
    }
    assert cells(kind, widget) == ["w", "False", None, 2.0, None, "5m30s", '["a","b"]']
    default = ResourceKind("things", "example.com", "v1", "things", "Thing", False, "thing")
    table = render_table(default, [{"metadata": {"name": "t", "creationTimestamp": rfc3339(SIM_START)}}], NOW)
    assert [column["name"] for column in table["columnDefinitions"]] == ["Name", "Age"]
    assert table["rows"][0]["cells"] == ["t", "3d"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (".a.b", [1]),
        ("{.a.b}", [1]),
        (".items[*].name", ["x", "y", "z"]),
        (".items[-1:].name", ["z"]),
        (".items[0].name", ["x"]),
        (".items[5].name", []),
        (".items[?(@.n > 1)].name", ["y", "z"]),
        (".items[?(@.tag)].name", ["y"]),
        (".items[?(@.name != 'x')].n", [2, 3]),
        ("['a']['b']", [1]),
        (".missing.deeper", []),
    ],
)
def test_jsonpath(path: str, expected: list[Any]) -> None:
    document = {
        "a": {"b": 1},
        "items": [{"name": "x", "n": 1}, {"name": "y", "n": 2, "tag": True}, {"name": "z", "n": 3}],
    }
    assert JsonPath.parse(path).find(document) == expected


@pytest.mark.parametrize("path", [".a[", ".a[?(@.x ~ 1)]", "a.b", ".a[?(@.x == nope)]"])
def test_jsonpath_rejects_what_it_cannot_evaluate(path: str) -> None:
    with pytest.raises(JsonPathError):
        JsonPath.parse(path)
