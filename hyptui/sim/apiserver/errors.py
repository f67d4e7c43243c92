"""API errors of the embedded cluster, rendered as the Kubernetes `Status` objects real API servers send."""

from __future__ import annotations

from typing import Any

from hyptui.hyperpod.kinds import ResourceKind

CONFLICT_ADVICE = "the object has been modified; please apply your changes to the latest version and try again"


class ApiError(Exception):
    """A failed API request: raised anywhere in the simulator, answered by the HTTP layer as a `Status` body."""

    def __init__(self, code: int, reason: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details

    def status_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
        }
        if self.details is not None:
            body["details"] = self.details
        body["code"] = self.code
        return body


def _resource_details(kind: ResourceKind, name: str) -> dict[str, Any]:
    # Real servers name the resource by its plural in details.kind and omit an empty group.
    details: dict[str, Any] = {"name": name}
    if kind.group:
        details["group"] = kind.group
    details["kind"] = kind.plural
    return details


def not_found(kind: ResourceKind, name: str) -> ApiError:
    return ApiError(404, "NotFound", f'{kind.qualified_plural} "{name}" not found', _resource_details(kind, name))


def path_not_found() -> ApiError:
    return ApiError(404, "NotFound", "the server could not find the requested resource", {})


def already_exists(kind: ResourceKind, name: str) -> ApiError:
    return ApiError(
        409, "AlreadyExists", f'{kind.qualified_plural} "{name}" already exists', _resource_details(kind, name)
    )


def conflict(kind: ResourceKind, name: str, advice: str = CONFLICT_ADVICE) -> ApiError:
    message = f'Operation cannot be fulfilled on {kind.qualified_plural} "{name}": {advice}'
    return ApiError(409, "Conflict", message, _resource_details(kind, name))


def invalid(kind: ResourceKind, name: str, causes: list[dict[str, str]]) -> ApiError:
    """422 with field causes, each `{"reason", "message", "field"}`; the message lists them like the real server."""
    # Built-in kinds are named by Kind, custom resources by their qualified plural (as apiextensions does).
    subject = kind.kind if kind.builtin else kind.qualified_plural
    return _invalid(subject, kind.group, kind.kind, name, causes)


def invalid_pod_log_options(pod: str, causes: list[dict[str, str]]) -> ApiError:
    """A pod log request whose options fail validation: the real server names the options type, not the pod."""
    return _invalid("PodLogOptions", "", "PodLogOptions", pod, causes)


def _invalid(subject: str, group: str, kind: str, name: str, causes: list[dict[str, str]]) -> ApiError:
    summaries = [f"{cause['field']}: {cause['message']}" for cause in causes]
    listed = summaries[0] if len(summaries) == 1 else "[" + ", ".join(summaries) + "]"
    details: dict[str, Any] = {"name": name}
    if group:
        details["group"] = group
    details["kind"] = kind
    details["causes"] = causes
    return ApiError(422, "Invalid", f'{subject} "{name}" is invalid: {listed}', details)


def required_field(field: str, detail: str = "") -> dict[str, str]:
    message = f"Required value: {detail}" if detail else "Required value"
    return {"reason": "FieldValueRequired", "message": message, "field": field}


def invalid_field(field: str, value: str, detail: str) -> dict[str, str]:
    return {"reason": "FieldValueInvalid", "message": f"Invalid value: {value}: {detail}", "field": field}


def too_long_field(field: str, limit: int) -> dict[str, str]:
    """Too long, in bytes: the real server leaves the value itself out of the message."""
    return {"reason": "FieldValueTooLong", "message": f"Too long: must have at most {limit} bytes", "field": field}


def forbidden_field(field: str, detail: str) -> dict[str, str]:
    return {"reason": "FieldValueForbidden", "message": f"Forbidden: {detail}", "field": field}


def bad_request(message: str) -> ApiError:
    return ApiError(400, "BadRequest", message)


def unauthorized() -> ApiError:
    """Whatever was wrong with the credential, the client is told only this, as kube-apiserver tells it."""
    return ApiError(401, "Unauthorized", "Unauthorized")


def forbidden(message: str) -> ApiError:
    return ApiError(403, "Forbidden", message)


def unprocessable(message: str) -> ApiError:
    """422 without field causes, as a failed JSON patch operation is reported."""
    return ApiError(422, "Invalid", message)


def unsupported_media_type(accepted: tuple[str, ...]) -> ApiError:
    message = "the body of the request was in an unknown format - accepted media types include: " + ", ".join(accepted)
    return ApiError(415, "UnsupportedMediaType", message)


def request_entity_too_large(limit: int) -> ApiError:
    return ApiError(413, "RequestEntityTooLarge", f"Request entity too large: limit is {limit}")


def expired(message: str) -> ApiError:
    return ApiError(410, "Expired", message)


def too_old_resource_version(requested: int, oldest: int) -> ApiError:
    return expired(f"too old resource version: {requested} ({oldest})")


def too_large_resource_version(requested: int, current: int) -> ApiError:
    """A watch from a resourceVersion this server has not reached (a client that saw a replaced or restored control
    plane): kube-apiserver's 504 with a retry hint and the cause clients look for before relisting."""
    return ApiError(
        504,
        "Timeout",
        f"Timeout: Too large resource version: {requested}, current: {current}",
        {
            "causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}],
            "retryAfterSeconds": 1,
        },
    )


def internal_error() -> ApiError:
    return ApiError(500, "InternalError", "an error on the server has prevented the request from succeeding")


def method_not_allowed() -> ApiError:
    return ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
