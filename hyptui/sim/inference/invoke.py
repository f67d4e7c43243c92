"""SageMaker Runtime `InvokeEndpoint` for the embedded cluster's endpoints: the model's answer (a deterministic chat
completion built from the request) or the error SageMaker returns, as status, headers and body.

Errors follow the runtime's rest-json protocol: the code in the `x-amzn-ErrorType` header (botocore reads the part
before the colon), `{"message": ...}` in the body, and the status code the service model gives each error. The wording
of the not-found and model errors is SageMaker's; "not in service" is chosen, since SageMaker's own answer for an
endpoint still Creating is not documented.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hyptui.sim.inference.endpoints import ACCOUNT_ID, DEFAULT_REGION, SageMakerEndpoint

PRODUCTION_VARIANT = "AllTraffic"
_ERROR_NAMESPACE = "http://internal.amazon.com/coral/com.amazon.sagemaker/"
_MAX_ECHO = 120  # characters of the prompt the reply quotes


@dataclass(frozen=True, slots=True)
class RuntimeReply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def request_id(*parts: str) -> str:
    """x-amzn-RequestId: a UUID derived from the request, so replies are reproducible."""
    return str(uuid.UUID(hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]))


def error_reply(code: str, status: int, message: str, rid: str, **extra: Any) -> RuntimeReply:
    headers = {
        "Content-Type": "application/json",
        "x-amzn-RequestId": rid,
        "x-amzn-ErrorType": f"{code}:{_ERROR_NAMESPACE}",
    }
    return RuntimeReply(status, headers, json.dumps({"message": message, **extra}).encode())


def _prompt(request: Any) -> str:
    """The text the user sent: the last user message of a chat, or `inputs`/`prompt` of a completion request."""
    if isinstance(request, dict):
        messages = request.get("messages")
        if isinstance(messages, list):
            users = [m for m in messages if isinstance(m, dict) and m.get("role", "user") == "user"]
            content = (users or [m for m in messages if isinstance(m, dict)] or [{}])[-1].get("content", "")
            if isinstance(content, list):  # OpenAI content parts
                content = " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
            return str(content)
        for key in ("inputs", "prompt", "text"):
            if key in request:
                value = request[key]
                return " ".join(map(str, value)) if isinstance(value, list) else str(value)
    return json.dumps(request)


def _tokens(text: str) -> int:
    return max(1, round(len(text.split()) * 1.3))


def chat_completion(endpoint: SageMakerEndpoint, request: Any, created: datetime) -> dict[str, Any]:
    prompt = " ".join(_prompt(request).split())
    quoted = prompt if len(prompt) <= _MAX_ECHO else prompt[: _MAX_ECHO - 1] + "…"
    words = len(prompt.split())
    content = (
        f'You asked: "{quoted}" ({words} word{"s" if words != 1 else ""}). '
        f"This answer comes from {endpoint.endpoint.model_name} on the simulated HyperPod endpoint {endpoint.name}."
    )
    body_digest = hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()
    prompt_tokens, completion_tokens = _tokens(prompt), _tokens(content)
    return {
        "id": f"chatcmpl-{body_digest[:29]}",
        "object": "chat.completion",
        "created": int(created.timestamp()),
        "model": (request.get("model") if isinstance(request, dict) else None) or endpoint.endpoint.model_name,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def invoke(
    endpoint_name: str,
    endpoint: SageMakerEndpoint | None,
    body: bytes,
    now: datetime,
    region: str = DEFAULT_REGION,
) -> RuntimeReply:
    rid = request_id(endpoint_name, body.decode(errors="replace"), now.isoformat())
    if endpoint is None:
        return error_reply("ValidationError", 400, f"Endpoint {endpoint_name} of account {ACCOUNT_ID} not found.", rid)
    if endpoint.status != "InService":
        return error_reply(
            "ValidationError",
            400,
            f"Endpoint {endpoint_name} of account {ACCOUNT_ID} is not in service: its status is {endpoint.status}. "
            "Invoke it once its status is InService.",
            rid,
        )
    log_group = f"/aws/sagemaker/Endpoints/{endpoint_name}"
    console = (
        f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}"
        f"#logEventViewer:group={log_group} in account {ACCOUNT_ID} for more information."
    )
    log_stream = f"arn:aws:logs:{region}:{ACCOUNT_ID}:log-group:{log_group}"
    if endpoint.ready_replicas == 0:
        original = "no healthy upstream"
        return error_reply(
            "ModelError",
            424,
            f'Received server error (503) from primary with message "{original}". See {console}',
            rid,
            OriginalStatusCode=503,
            OriginalMessage=original,
            LogStreamArn=log_stream,
        )
    try:
        request = json.loads(body)
    except ValueError:
        original = json.dumps({"code": 400, "type": "BadRequestException", "message": "Invalid JSON input"})
        return error_reply(
            "ModelError",
            424,
            f'Received client error (400) from primary with message "{original}". See {console}',
            rid,
            OriginalStatusCode=400,
            OriginalMessage=original,
            LogStreamArn=log_stream,
        )
    reply = json.dumps(chat_completion(endpoint, request, now)).encode()
    headers = {
        "Content-Type": "application/json",
        "x-Amzn-Invoked-Production-Variant": PRODUCTION_VARIANT,
        "x-amzn-RequestId": rid,
    }
    return RuntimeReply(200, headers, reply)
