"""The patch formats the API server accepts: JSON merge patch, JSON patch and (built-in kinds) strategic merge."""

from __future__ import annotations

import copy
import json
from typing import Any

from hyptui.sim.apiserver.errors import ApiError, bad_request, unprocessable

JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"

# Merge keys of the built-in lists hyptui's kinds carry (the Go `patchMergeKey` tags); every other list is replaced.
STRATEGIC_MERGE_KEYS: dict[str, str] = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "volumes": "name",
    "volumeMounts": "name",
    "env": "name",
    "conditions": "type",
    "ports": "containerPort",
    "ownerReferences": "uid",
    "taints": "key",
}
_DIRECTIVE = "$patch"
# Client-side hints we accept and drop: ordering and retained keys do not change what the simulator stores.
_IGNORED_DIRECTIVE_PREFIXES = ("$setElementOrder/", "$retainKeys")
_DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList/"


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge recursively, `null` deletes a key, anything else (lists included) replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def json_patch(target: Any, operations: Any) -> Any:
    """RFC 6902, including `test`. A malformed document is a 400, an operation that cannot apply a 422."""
    if not isinstance(operations, list):
        raise bad_request("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    document = copy.deepcopy(target)
    for operation in operations:
        if not isinstance(operation, dict) or "op" not in operation or "path" not in operation:
            raise bad_request(f"invalid JSON patch operation: {json.dumps(operation)}")
        document = _apply_operation(document, operation)
    return document


def _apply_operation(document: Any, operation: dict[str, Any]) -> Any:
    op = operation["op"]
    path = _pointer(operation["path"])
    if op == "add":
        return _add(document, path, copy.deepcopy(_operand(operation)))
    if op == "remove":
        return _remove(document, path)
    if op == "replace":
        _resolve(document, path)
        return _add(_remove(document, path), path, copy.deepcopy(_operand(operation)))
    if op == "move":
        source = _pointer(_from(operation))
        value = _resolve(document, source)
        return _add(_remove(document, source), path, value)
    if op == "copy":
        return _add(document, path, copy.deepcopy(_resolve(document, _pointer(_from(operation)))))
    if op == "test":
        if _resolve(document, path) != _operand(operation):
            raise unprocessable(f"testing value {operation['path']} failed: test failed")
        return document
    raise bad_request(f"Unexpected kind: {op}")


def _operand(operation: dict[str, Any]) -> Any:
    if "value" not in operation:
        raise bad_request(f"missing value for {operation['op']} operation at {operation['path']}")
    return operation["value"]


def _from(operation: dict[str, Any]) -> str:
    if "from" not in operation:
        raise bad_request(f"missing from for {operation['op']} operation at {operation['path']}")
    return operation["from"]


def _pointer(path: Any) -> list[str]:
    if not isinstance(path, str) or (path and not path.startswith("/")):
        raise bad_request(f"invalid JSON pointer: {path!r}")
    return [part.replace("~1", "/").replace("~0", "~") for part in path.split("/")[1:]]


def _missing(path: list[str]) -> ApiError:
    return unprocessable(f"doc is missing path: /{'/'.join(path)}: missing value")


def _resolve(document: Any, path: list[str]) -> Any:
    value = document
    for depth, part in enumerate(path):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and (index := _index(part, len(value))) is not None:
            value = value[index]
        else:
            raise _missing(path[: depth + 1])
    return value


def _index(part: str, length: int, allow_end: bool = False) -> int | None:
    if part == "-" and allow_end:
        return length
    if not part.isdigit() or (len(part) > 1 and part.startswith("0")):
        return None
    index = int(part)
    return index if index < length or (allow_end and index == length) else None


def _add(document: Any, path: list[str], value: Any) -> Any:
    if not path:
        return value
    parent = _resolve(document, path[:-1])
    key = path[-1]
    if isinstance(parent, dict):
        parent[key] = value
    elif isinstance(parent, list) and (index := _index(key, len(parent), allow_end=True)) is not None:
        parent.insert(index, value)
    else:
        raise _missing(path)
    return document


def _remove(document: Any, path: list[str]) -> Any:
    if not path:
        return None
    parent = _resolve(document, path[:-1])
    key = path[-1]
    if isinstance(parent, dict) and key in parent:
        del parent[key]
    elif isinstance(parent, list) and (index := _index(key, len(parent))) is not None:
        del parent[index]
    else:
        raise _missing(path)
    return document


def strategic_merge_patch(target: Any, patch: Any) -> Any:
    """A strategic merge patch for built-in kinds: lists named in STRATEGIC_MERGE_KEYS merge item by item on their key,
    `$patch: delete|replace` directives apply, other lists are replaced, `null` deletes."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get(_DIRECTIVE) == "replace":
        return _without_directives(patch)
    if patch.get(_DIRECTIVE) == "delete":
        return None
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if key == _DIRECTIVE or key.startswith(_IGNORED_DIRECTIVE_PREFIXES):
            continue
        if key.startswith(_DELETE_FROM_PRIMITIVE_LIST):
            field = key.removeprefix(_DELETE_FROM_PRIMITIVE_LIST)
            if isinstance(result.get(field), list):
                result[field] = [item for item in result[field] if item not in value]
            continue
        if value is None:
            result.pop(key, None)
        elif isinstance(value, list) and key in STRATEGIC_MERGE_KEYS:
            result[key] = _merge_keyed_list(result.get(key), value, STRATEGIC_MERGE_KEYS[key])
        elif isinstance(value, dict):
            merged = strategic_merge_patch(result.get(key), value)
            if merged is None:
                result.pop(key, None)
            else:
                result[key] = merged
        else:
            result[key] = _without_directives(value)
    return result


def _merge_keyed_list(current: Any, patch: list[Any], merge_key: str) -> list[Any]:
    if any(isinstance(item, dict) and item.get(_DIRECTIVE) == "replace" and len(item) == 1 for item in patch):
        return [_without_directives(item) for item in patch if not (isinstance(item, dict) and len(item) == 1)]
    merged = copy.deepcopy(current) if isinstance(current, list) else []
    for item in patch:
        if not isinstance(item, dict) or merge_key not in item:
            merged.append(_without_directives(item))
            continue
        position = _position(merged, merge_key, item[merge_key])
        if item.get(_DIRECTIVE) == "delete":
            if position is not None:
                del merged[position]
        elif position is None:
            merged.append(_without_directives(item))
        else:
            merged[position] = strategic_merge_patch(merged[position], item)
    return merged


def _position(items: list[Any], merge_key: str, key_value: Any) -> int | None:
    for index, existing in enumerate(items):
        if isinstance(existing, dict) and existing.get(merge_key) == key_value:
            return index
    return None


def _without_directives(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_directives(item) for key, item in value.items() if not key.startswith("$")}
    if isinstance(value, list):
        return [_without_directives(item) for item in value]
    return value
