"""Request bodies in Kubernetes' protobuf encoding, which kubectl's typed commands send (`kubectl create namespace`,
the DeleteOptions of `kubectl drain`).

Without the generated Go types only the parts every object shares can be read: the type, and the metadata fields
people set (name, generateName, namespace, labels, annotations, finalizers). A Namespace is nothing more, so it is
decoded whole, as are DeleteOptions; a protobuf body of any other kind is refused with 415, naming the media types
that work.
"""

from __future__ import annotations

from typing import Any

from hyptui.sim.apiserver.errors import ApiError, bad_request, unsupported_media_type

PROTOBUF = "application/vnd.kubernetes.protobuf"
_MAGIC = b"k8s\x00"
_DECODABLE_KINDS = {("v1", "Namespace"), ("v1", "DeleteOptions"), ("meta.k8s.io/v1", "DeleteOptions")}
Fields = list[tuple[int, int | bytes]]


def decode_protobuf_object(body: bytes) -> dict[str, Any]:
    if not body.startswith(_MAGIC):
        raise bad_request("the body of the request is not a Kubernetes protobuf object (no k8s magic prefix)")
    try:
        unknown = _fields(body[len(_MAGIC) :])
        type_meta = _fields(_bytes(unknown, 1))
        api_version, kind = _text(type_meta, 1), _text(type_meta, 2)
        if (api_version, kind) not in _DECODABLE_KINDS:
            raise unsupported_media_type(("application/json", "application/yaml"))
        raw = _fields(_bytes(unknown, 2))
        if kind == "DeleteOptions":
            return {"apiVersion": api_version, "kind": kind, **_delete_options(raw)}
        obj: dict[str, Any] = {"apiVersion": api_version, "kind": kind, "metadata": _object_meta(_bytes(raw, 1))}
        finalizers = [value.decode() for value in _all(_fields(_bytes(raw, 2)), 1) if isinstance(value, bytes)]
        if finalizers:
            obj["spec"] = {"finalizers": finalizers}
        return obj
    except ApiError:
        raise
    except (ValueError, IndexError, UnicodeDecodeError):
        raise bad_request("the body of the request could not be decoded as protobuf") from None


def _delete_options(fields: Fields) -> dict[str, Any]:
    options: dict[str, Any] = {}
    grace = [value for value in _all(fields, 1) if isinstance(value, int)]
    if grace:
        options["gracePeriodSeconds"] = grace[-1] - (1 << 64) if grace[-1] >= 1 << 63 else grace[-1]  # int64
    preconditions = _fields(_bytes(fields, 2))
    named = {name: _text(preconditions, number) for number, name in ((1, "uid"), (2, "resourceVersion"))}
    if present := {name: value for name, value in named.items() if value}:
        options["preconditions"] = present
    orphan = [value for value in _all(fields, 3) if isinstance(value, int)]
    if orphan:
        options["orphanDependents"] = bool(orphan[-1])
    if policy := _text(fields, 4):
        options["propagationPolicy"] = policy
    dry_run = [value.decode() for value in _all(fields, 5) if isinstance(value, bytes)]
    if dry_run:
        options["dryRun"] = dry_run
    return options


def _object_meta(data: bytes) -> dict[str, Any]:
    fields = _fields(data)
    metadata: dict[str, Any] = {}
    for number, name in ((1, "name"), (2, "generateName"), (3, "namespace")):
        if value := _text(fields, number):
            metadata[name] = value
    for number, name in ((11, "labels"), (12, "annotations")):
        entries = {}
        for entry in _all(fields, number):
            if isinstance(entry, bytes):
                pair = _fields(entry)
                entries[_text(pair, 1)] = _text(pair, 2)
        if entries:
            metadata[name] = entries
    finalizers = [value.decode() for value in _all(fields, 14) if isinstance(value, bytes)]
    if finalizers:
        metadata["finalizers"] = finalizers
    return metadata


def _fields(data: bytes) -> Fields:
    """Protobuf wire format: (field number, varint or bytes) in order; fixed-width values are skipped."""
    fields: Fields = []
    position = 0
    while position < len(data):
        key, position = _varint(data, position)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, position = _varint(data, position)
            fields.append((number, value))
        elif wire_type == 2:
            length, position = _varint(data, position)
            if position + length > len(data):
                raise ValueError("truncated field")
            fields.append((number, data[position : position + length]))
            position += length
        elif wire_type in (1, 5):
            position += 8 if wire_type == 1 else 4
        else:
            raise ValueError(f"unsupported wire type {wire_type}")
    return fields


def _varint(data: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, position
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


def _all(fields: Fields, number: int) -> list[int | bytes]:
    return [value for field, value in fields if field == number]


def _bytes(fields: Fields, number: int) -> bytes:
    found = [value for value in _all(fields, number) if isinstance(value, bytes)]
    return found[-1] if found else b""


def _text(fields: Fields, number: int) -> str:
    return _bytes(fields, number).decode()
