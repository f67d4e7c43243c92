"""The three AWS wire protocols the embedded cluster answers, as botocore's service models define them.

- JSON 1.1 (SageMaker): `POST /` with `X-Amz-Target: SageMaker.<Op>`, a JSON body both ways, timestamps as epoch
  seconds; errors are `{"__type": code, "message": ...}`, status 400.
- REST-JSON (EKS): the operation is the method and path; errors carry their code in `x-amzn-ErrorType` and the status
  the model gives the error.
- Query (STS, CloudFormation): a form body `Action=<Op>&Version=...` whose lists are flattened as
  `Name.member.N[.Field]`; replies are XML `<OpResponse><OpResult>...`, lists as `<member>` elements, timestamps ISO
  8601; errors are `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from hyptui.sim.inference.endpoints import ACCOUNT_ID
from hyptui.sim.inference.invoke import RuntimeReply

_CREDENTIAL_SCOPE = re.compile(r"Credential=(?P<key>[^/,\s]+)/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request")


class AwsError(Exception):
    """An AWS error reply: its code, message and HTTP status (protocol encoders add the rest)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def validation_error(message: str) -> AwsError:
    return AwsError("ValidationException", message)


@dataclass(frozen=True, slots=True)
class AwsCall:
    operation: str  # "ListClusters"
    params: dict[str, Any]
    region: str  # from the request's signature
    access_key: str
    now: datetime
    request_id: str

    @property
    def caller_arn(self) -> str:
        return caller_arn(self.access_key)


def caller_arn(access_key: str) -> str:
    """The IAM user the simulated account maps every access key to, named after the key."""
    return f"arn:aws:iam::{ACCOUNT_ID}:user/{access_key or 'anonymous'}"


@dataclass(frozen=True, slots=True)
class Signature:
    """What the SigV4 `Authorization` header says about the caller; nothing is verified (loopback only)."""

    access_key: str
    region: str
    service: str


def signature_of(authorization: str | None) -> Signature | None:
    match = _CREDENTIAL_SCOPE.search(authorization or "")
    if match is None:
        return None
    return Signature(match["key"], match["region"], match["service"])


def query_params(body: bytes) -> dict[str, Any]:
    """A query-protocol form body as nested values: `Tags.member.1.Key=k` becomes `{"Tags": [{"Key": "k"}]}`."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body.decode(), keep_blank_values=True):
        _place(root, key.split("."), value)
    return _lists(root)


def _place(node: dict[str, Any], parts: list[str], value: str) -> None:
    head, rest = parts[0], parts[1:]
    if not rest:
        node[head] = value
        return
    _place(node.setdefault(head, {}), rest, value)


def _lists(node: Any) -> Any:
    """Turn every `{"member": {"1": a, "2": b}}` left by `_place` into `[a, b]`, ordered by index."""
    if not isinstance(node, dict):
        return node
    if set(node) == {"member"} and isinstance(node["member"], dict):
        members = node["member"]
        return [_lists(members[index]) for index in sorted(members, key=lambda i: int(i) if i.isdigit() else 0)]
    return {key: _lists(value) for key, value in node.items()}


def _epoch(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"cannot encode {type(value).__name__}")


def json_reply(
    body: Mapping[str, Any], request_id: str, content_type: str = "application/x-amz-json-1.1"
) -> RuntimeReply:
    headers = {"Content-Type": content_type, "x-amzn-RequestId": request_id}
    return RuntimeReply(200, headers, json.dumps(_pruned(body), default=_epoch).encode())


def json_error(error: AwsError, request_id: str) -> RuntimeReply:
    """JSON 1.1: botocore reads the code from `__type`."""
    headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": request_id}
    body = {"__type": error.code, "message": error.message}
    return RuntimeReply(error.status, headers, json.dumps(body).encode())


def rest_json_error(error: AwsError, request_id: str) -> RuntimeReply:
    """REST-JSON: the code travels in `x-amzn-ErrorType`, the status is the error's own."""
    headers = {
        "Content-Type": "application/json",
        "x-amzn-RequestId": request_id,
        "x-amzn-ErrorType": error.code,
    }
    return RuntimeReply(error.status, headers, json.dumps({"message": error.message}).encode())


def query_reply(operation: str, xml_namespace: str, result: Mapping[str, Any] | None, request_id: str) -> RuntimeReply:
    inner = f"<{operation}Result>{_xml(result)}</{operation}Result>" if result is not None else ""
    body = (
        f'<{operation}Response xmlns="{xml_namespace}">{inner}'
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{operation}Response>"
    )
    return RuntimeReply(200, {"Content-Type": "text/xml", "x-amzn-RequestId": request_id}, body.encode())


def query_error(error: AwsError, xml_namespace: str, request_id: str) -> RuntimeReply:
    kind = "Receiver" if error.status >= 500 else "Sender"
    body = (
        f'<ErrorResponse xmlns="{xml_namespace}"><Error><Type>{kind}</Type><Code>{escape(error.code)}</Code>'
        f"<Message>{escape(error.message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    )
    return RuntimeReply(error.status, {"Content-Type": "text/xml", "x-amzn-RequestId": request_id}, body.encode())


def _xml(value: Any) -> str:
    if isinstance(value, Mapping):
        return "".join(f"<{key}>{_xml(item)}</{key}>" for key, item in value.items() if item is not None)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "".join(f"<member>{_xml(item)}</member>" for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return escape(str(value))


def _pruned(value: Any) -> Any:
    """Drop members that are None, as AWS omits absent members rather than sending null."""
    if isinstance(value, Mapping):
        return {key: _pruned(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [_pruned(item) for item in value]
    return value


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Any]
    next_token: str | None


def page(items: Sequence[Any], next_token: str | None, max_results: Any, *, default: int, maximum: int) -> Page:
    """One page of a listing, with the opaque NextToken the caller sends back for the next one."""
    if max_results is None:
        size = default
    elif isinstance(max_results, int) and not isinstance(max_results, bool) and 1 <= max_results <= maximum:
        size = max_results
    else:
        raise validation_error(
            f"1 validation error detected: Value '{max_results}' at 'maxResults' failed to satisfy constraint: "
            f"Member must have value less than or equal to {maximum}"
        )
    start = _offset(next_token) if next_token else 0
    end = start + size
    rest = end < len(items)
    return Page(list(items[start:end]), _token(end) if rest else None)


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def _offset(token: str) -> int:
    try:
        offset = json.loads(base64.urlsafe_b64decode(token.encode()))["offset"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        offset = None
    if not isinstance(offset, int) or offset < 0:
        raise validation_error("Invalid pagination token: the NextToken is not one this service issued.")
    return offset


def epoch_or_none(value: Any) -> datetime | None:
    """A JSON timestamp input (epoch seconds) as an aware datetime."""
    if value is None:
        return None
    return datetime.fromtimestamp(float(value), UTC)
