"""Invoking an inference endpoint through SageMaker Runtime, as `hyp invoke` does: the request checked before it is
sent, the call made off the event loop, and every way it can fail turned into one sentence the user can act on."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hyptui.aws.failures import explain
from hyptui.aws.target import AwsTarget

JSON_CONTENT_TYPE = "application/json"

# A chat completion as the talk's demo sends to its DJL (LMI) endpoint; the LMI and vLLM servers take this shape.
DEFAULT_REQUEST = (
    json.dumps(
        {
            "messages": [
                {"role": "system", "content": "You are a helpful assistant."},
                {"role": "user", "content": "What is Amazon SageMaker HyperPod?"},
            ],
            "max_tokens": 256,
            "temperature": 0.7,
        },
        indent=2,
    )
    + "\n"
)


@dataclass(frozen=True, slots=True)
class InvokeResult:
    ok: bool
    body: str  # the reply, pretty-printed when it is JSON; the error message when not ok
    content_type: str  # of the reply ("" on error)
    latency_ms: float


def is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == JSON_CONTENT_TYPE or media.endswith("+json")


def request_problem(body: str, content_type: str) -> str | None:
    """Why the request should not be sent (a JSON body that does not parse, named by line and column), or None."""
    if not content_type.strip():
        return "The content type is empty; SageMaker needs one (usually application/json)"
    if not is_json(content_type):
        return None
    try:
        json.loads(body)
    except json.JSONDecodeError as error:
        return f"The request is not valid JSON: line {error.lineno}, column {error.colno}: {error.msg}"
    return None


def pretty_body(raw: bytes, content_type: str) -> str:
    text = raw.decode("utf-8", errors="replace")
    if is_json(content_type) or text.lstrip().startswith(("{", "[")):
        try:
            return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except ValueError:
            pass
    return text


def error_message(error: Exception, endpoint_name: str) -> str:
    """One clear sentence for what botocore raised: the model server's own answer for a ModelError, SageMaker's words
    for a refused request, and the AWS gateway's explanation for credentials, region, network and the rest."""
    from botocore.exceptions import ClientError

    if isinstance(error, ClientError):
        response: dict[str, Any] = error.response
        details = response.get("Error") or {}
        if details.get("Code") == "ModelError":
            original = response.get("OriginalMessage") or details.get("Message", "")
            status = response.get("OriginalStatusCode") or "an error"
            logs = f" (logs: {response['LogStreamArn']})" if response.get("LogStreamArn") else ""
            return f"The model server behind {endpoint_name} answered {status}: {original}{logs}"
        if details.get("Code") == "ValidationError" and details.get("Message"):
            return str(details["Message"])  # SageMaker names the endpoint and what is wrong with it
    return str(explain(error, f"invoke {endpoint_name}"))


def invoke_endpoint_now(
    target: AwsTarget,
    endpoint_name: str,
    body: str,
    content_type: str = JSON_CONTENT_TYPE,
    *,
    timer: Callable[[], float] = time.perf_counter,
) -> InvokeResult:
    """The blocking call (run it in a thread); latency counts the request and the reply, not making the client."""
    from botocore.exceptions import BotoCoreError, ClientError

    started = timer()
    try:
        client = target.client("sagemaker-runtime")
        started = timer()
        reply = client.invoke_endpoint(EndpointName=endpoint_name, Body=body.encode(), ContentType=content_type)
        raw = reply["Body"].read()
    except (BotoCoreError, ClientError) as error:
        return InvokeResult(False, error_message(error, endpoint_name), "", (timer() - started) * 1000)
    latency = (timer() - started) * 1000
    reply_type = str(reply.get("ContentType") or "")
    return InvokeResult(True, pretty_body(raw, reply_type), reply_type, latency)


async def invoke_endpoint(
    target: AwsTarget,
    endpoint_name: str,
    body: str,
    content_type: str = JSON_CONTENT_TYPE,
    *,
    timer: Callable[[], float] = time.perf_counter,
) -> InvokeResult:
    """InvokeEndpoint off the event loop, so the UI keeps drawing while the model thinks."""
    return await asyncio.to_thread(invoke_endpoint_now, target, endpoint_name, body, content_type, timer=timer)
