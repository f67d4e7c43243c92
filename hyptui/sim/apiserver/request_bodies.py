"""Request bodies as kube-apiserver takes them: at most 3 MiB, in a media type it decodes, and only what its Go
decoders accept — no NaN or infinities (JSON has none, so they would be stored and then break every list that serves
them) and no YAML whose aliases expand a small document into a huge one."""

from __future__ import annotations

import json
import math
import re
from email.message import Message
from typing import Any, BinaryIO, NoReturn

import yaml
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent

from hyptui.sim.apiserver.errors import bad_request, request_entity_too_large, unsupported_media_type
from hyptui.sim.apiserver.protobuf_body import PROTOBUF, decode_protobuf_object

MAX_BODY_BYTES = 3 * 1024 * 1024  # kube-apiserver's MaxRequestBodyBytes
# A refused body up to this size is still read (and dropped), so a client that writes it all before reading gets
# the 413 rather than a reset; beyond it the connection is closed unread.
DRAIN_LIMIT_BYTES = 64 * 1024 * 1024
_READ_CHUNK_BYTES = 64 * 1024
# Nodes that aliases may add to a YAML document; manifests that reuse an anchor add a few dozen.
YAML_ALIAS_NODE_BUDGET = 10_000

JSON = "application/json"
YAML = "application/yaml"
OBJECT_MEDIA_TYPES = (JSON, YAML, PROTOBUF)
CUSTOM_OBJECT_MEDIA_TYPES = (JSON, YAML)  # apiextensions serves no protobuf
_CHUNK_SIZE = re.compile(rb"[0-9a-fA-F]{1,16}")


class UndecodableBody(ValueError):
    """The body is not a document the real server's decoder would accept; the message says why, as Go's does."""


# ---- reading


def read_body(rfile: BinaryIO, headers: Message) -> bytes:
    """The request's body, or 413 past MAX_BODY_BYTES; after any error the connection must close, since the rest of
    the body may still be unread."""
    if headers.get("Transfer-Encoding", "").lower() == "chunked":
        return _read_chunked(rfile)
    declared = headers.get("Content-Length") or "0"
    if not declared.isdigit():
        raise bad_request(f"invalid Content-Length: {declared!r}")
    length = int(declared)
    if length > MAX_BODY_BYTES:
        if length <= DRAIN_LIMIT_BYTES:
            _discard(rfile, length)
        raise request_entity_too_large(MAX_BODY_BYTES)
    return rfile.read(length) if length else b""


def _read_chunked(rfile: BinaryIO) -> bytes:
    chunks: list[bytes] = []
    received = 0
    while size := _chunk_size(rfile.readline()):
        received += size
        if received > DRAIN_LIMIT_BYTES:
            raise request_entity_too_large(MAX_BODY_BYTES)
        if received > MAX_BODY_BYTES:
            chunks.clear()  # refused whatever follows: read on only to reach the body's end
            _discard(rfile, size)
        else:
            chunks.append(rfile.read(size))
        rfile.readline()
    while rfile.readline() not in (b"\r\n", b"\n", b""):
        pass  # trailers
    if received > MAX_BODY_BYTES:
        raise request_entity_too_large(MAX_BODY_BYTES)
    return b"".join(chunks)


def _chunk_size(line: bytes) -> int:
    size = line.split(b";")[0].strip()
    if not _CHUNK_SIZE.fullmatch(size):
        raise bad_request("invalid chunked request body")
    return int(size, 16)


def _discard(rfile: BinaryIO, length: int) -> None:
    while length > 0:
        data = rfile.read(min(length, _READ_CHUNK_BYTES))
        if not data:
            return
        length -= len(data)


# ---- decoding


def decode_object_body(body: bytes, content_type: str | None, accepted: tuple[str, ...]) -> Any:
    """An object sent to create, replace or delete with: 415 for a media type the server does not decode, 400 for a
    body it cannot."""
    media_type = (content_type or JSON).split(";")[0].strip().lower()
    if media_type not in accepted:
        raise unsupported_media_type(accepted)
    if not body.strip():
        raise bad_request("the request body is empty")
    if media_type == PROTOBUF:
        return decode_protobuf_object(body)
    try:
        return decode_yaml(body) if media_type == YAML else decode_json(body)
    except UndecodableBody as error:
        raise bad_request(f"the body of the request could not be decoded: {error}") from None


def decode_json(data: bytes | str) -> Any:
    try:
        return json.loads(data, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:
        raise UndecodableBody("exceeded max depth") from None
    except UndecodableBody:
        raise
    except ValueError as error:
        raise UndecodableBody(str(error)) from None


def _refuse_constant(name: str) -> NoReturn:
    # Python's json reads NaN, Infinity and -Infinity; Go's stops at their first letter.
    if name.startswith("-"):
        raise UndecodableBody(f"invalid character '{name[1]}' in numeric literal")
    raise UndecodableBody(f"invalid character '{name[0]}' looking for beginning of value")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise UndecodableBody(f'strconv.ParseFloat: parsing "{text}": value out of range')
    return value


def decode_yaml(data: bytes | str) -> Any:
    """YAML as the real server converts it to JSON: timestamps stay strings, keys become strings, and a document
    that is not plain data (NaN, binary, sets, recursion, an alias bomb) is refused."""
    try:
        _check_alias_expansion(data)
        return _json_value(yaml.load(data, Loader=_JsonYamlLoader))
    except RecursionError:
        raise UndecodableBody("exceeded max depth") from None
    except yaml.YAMLError as error:
        raise UndecodableBody(str(error)) from None


class _JsonYamlLoader(yaml.SafeLoader):
    """SafeLoader without the timestamp type: JSON has none, and the real server keeps such scalars as strings."""

    yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _check_alias_expansion(data: bytes | str) -> None:
    """Count, from the event stream alone, the nodes each alias would add once expanded; refuse the document as soon
    as they pass the budget, before anything is built."""
    sizes: dict[str, int] = {}  # anchor -> nodes in the anchored node, aliases expanded
    open_collections: list[tuple[str | None, int]] = []
    added = 0
    for event in yaml.parse(data, Loader=_JsonYamlLoader):
        if isinstance(event, CollectionStartEvent):
            open_collections.append((event.anchor, 1))
            continue
        if isinstance(event, CollectionEndEvent):
            anchor, size = open_collections.pop()
        elif isinstance(event, ScalarEvent):
            anchor, size = event.anchor, 1
        elif isinstance(event, AliasEvent):
            if event.anchor not in sizes:  # undefined, or the anchored node contains itself
                raise UndecodableBody(f"yaml: unknown anchor '{event.anchor}' referenced")
            anchor, size = None, sizes[event.anchor]
            added += size
            if added > YAML_ALIAS_NODE_BUDGET:
                raise UndecodableBody("yaml: document contains excessive aliasing")
        else:
            continue
        if anchor is not None:
            sizes[anchor] = size
        if open_collections:
            parent, total = open_collections[-1]
            open_collections[-1] = (parent, total + size)


def _json_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {_json_key(key): _json_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_value(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        raise UndecodableBody(f"json: unsupported value: {value}")
    if value is None or isinstance(value, str | int | float):
        return value
    raise UndecodableBody(f"yaml: cannot convert a {type(value).__name__} to JSON")


def _json_key(key: Any) -> str:
    # sigs.k8s.io/yaml writes scalar keys as their JSON text: 1 -> "1", true -> "true", null -> "null".
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, bool | int) or (isinstance(key, float) and math.isfinite(key)):
        return json.dumps(key)
    raise UndecodableBody(f"yaml: cannot use a {type(key).__name__} as a JSON object key")
