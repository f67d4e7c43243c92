from __future__ import annotations

from typing import Any

import pytest

from hyptui.sim.apiserver.errors import ApiError
from hyptui.sim.apiserver.patch import json_patch, merge_patch, strategic_merge_patch

# The examples from RFC 7386, appendix A.
RFC7386_CASES: list[tuple[Any, Any, Any]] = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize(("target", "patch", "expected"), RFC7386_CASES)
def test_merge_patch_follows_rfc7386(target: Any, patch: Any, expected: Any) -> None:
    assert merge_patch(target, patch) == expected


def test_merge_patch_leaves_its_inputs_alone() -> None:
    target = {"a": {"b": 1}}
    merge_patch(target, {"a": {"b": 2}})
    assert target == {"a": {"b": 1}}


def test_json_patch_operations() -> None:
    document = {"metadata": {"labels": {"a": "1"}}, "spec": {"items": [1, 2]}}
    patched = json_patch(
        document,
        [
            {"op": "test", "path": "/metadata/labels/a", "value": "1"},
            {"op": "add", "path": "/metadata/labels/b~1c", "value": "2"},
            {"op": "replace", "path": "/metadata/labels/a", "value": "3"},
            {"op": "add", "path": "/spec/items/-", "value": 3},
            {"op": "add", "path": "/spec/items/0", "value": 0},
            {"op": "remove", "path": "/spec/items/1"},
            {"op": "copy", "from": "/spec/items", "path": "/spec/copy"},
            {"op": "move", "from": "/metadata/labels/b~1c", "path": "/metadata/moved"},
        ],
    )
    assert patched == {
        "metadata": {"labels": {"a": "3"}, "moved": "2"},
        "spec": {"items": [0, 2, 3], "copy": [0, 2, 3]},
    }
    assert document == {"metadata": {"labels": {"a": "1"}}, "spec": {"items": [1, 2]}}


@pytest.mark.parametrize(
    "operation",
    [
        {"op": "test", "path": "/a", "value": 2},
        {"op": "replace", "path": "/missing", "value": 1},
        {"op": "remove", "path": "/missing"},
        {"op": "add", "path": "/missing/deeper", "value": 1},
        {"op": "add", "path": "/list/5", "value": 1},
    ],
)
def test_json_patch_operation_that_cannot_apply_is_unprocessable(operation: dict[str, Any]) -> None:
    with pytest.raises(ApiError) as raised:
        json_patch({"a": 1, "list": []}, [operation])
    assert raised.value.code == 422


@pytest.mark.parametrize(
    "patch", [{"op": "add"}, [{"op": "add", "path": "/a"}], [{"op": "explode", "path": "/a"}], [{"path": "/a"}]]
)
def test_malformed_json_patch_is_a_bad_request(patch: Any) -> None:
    with pytest.raises(ApiError) as raised:
        json_patch({"a": 1}, patch)
    assert raised.value.code == 400


POD_SPEC = {
    "spec": {
        "containers": [
            {"name": "main", "image": "a:1", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]},
            {"name": "sidecar", "image": "s:1"},
        ],
        "tolerations": [{"key": "x"}],
    },
    "status": {"conditions": [{"type": "Ready", "status": "False"}, {"type": "Scheduled", "status": "True"}]},
}


def test_strategic_merge_merges_containers_and_env_by_name() -> None:
    patched = strategic_merge_patch(
        POD_SPEC, {"spec": {"containers": [{"name": "main", "image": "a:2", "env": [{"name": "B", "value": "3"}]}]}}
    )
    main, sidecar = patched["spec"]["containers"]
    assert main["image"] == "a:2"
    assert main["env"] == [{"name": "A", "value": "1"}, {"name": "B", "value": "3"}]
    assert sidecar == {"name": "sidecar", "image": "s:1"}


def test_strategic_merge_adds_new_keyed_items_and_replaces_unkeyed_lists() -> None:
    patched = strategic_merge_patch(
        POD_SPEC, {"spec": {"containers": [{"name": "extra", "image": "e"}], "tolerations": [{"key": "y"}]}}
    )
    assert [c["name"] for c in patched["spec"]["containers"]] == ["main", "sidecar", "extra"]
    assert patched["spec"]["tolerations"] == [{"key": "y"}]


def test_strategic_merge_merges_conditions_by_type() -> None:
    patched = strategic_merge_patch(POD_SPEC, {"status": {"conditions": [{"type": "Ready", "status": "True"}]}})
    assert patched["status"]["conditions"] == [
        {"type": "Ready", "status": "True"},
        {"type": "Scheduled", "status": "True"},
    ]


def test_strategic_merge_ports_by_container_port() -> None:
    target = {"ports": [{"containerPort": 80, "name": "http"}, {"containerPort": 443}]}
    patched = strategic_merge_patch(target, {"ports": [{"containerPort": 80, "protocol": "TCP"}]})
    assert patched["ports"] == [{"containerPort": 80, "name": "http", "protocol": "TCP"}, {"containerPort": 443}]


def test_strategic_merge_directives() -> None:
    deleted = strategic_merge_patch(POD_SPEC, {"spec": {"containers": [{"name": "sidecar", "$patch": "delete"}]}})
    assert [c["name"] for c in deleted["spec"]["containers"]] == ["main"]

    replaced = strategic_merge_patch(
        POD_SPEC, {"spec": {"containers": [{"name": "only", "image": "o"}, {"$patch": "replace"}]}}
    )
    assert replaced["spec"]["containers"] == [{"name": "only", "image": "o"}]

    replaced_map = strategic_merge_patch(POD_SPEC, {"status": {"$patch": "replace", "phase": "Running"}})
    assert replaced_map["status"] == {"phase": "Running"}

    removed_map = strategic_merge_patch(POD_SPEC, {"status": {"$patch": "delete"}})
    assert "status" not in removed_map


def test_strategic_merge_drops_ordering_hints_and_handles_primitive_deletes() -> None:
    target = {"metadata": {"finalizers": ["a", "b", "c"]}, "spec": {"containers": [{"name": "x"}]}}
    patched = strategic_merge_patch(
        target,
        {
            "metadata": {"$deleteFromPrimitiveList/finalizers": ["b"]},
            "spec": {"$setElementOrder/containers": [{"name": "x"}], "containers": [{"name": "x", "image": "i"}]},
        },
    )
    assert patched == {"metadata": {"finalizers": ["a", "c"]}, "spec": {"containers": [{"name": "x", "image": "i"}]}}


def test_strategic_merge_null_deletes() -> None:
    patched = strategic_merge_patch(
        {"metadata": {"labels": {"a": "1", "b": "2"}}}, {"metadata": {"labels": {"a": None}}}
    )
    assert patched == {"metadata": {"labels": {"b": "2"}}}
