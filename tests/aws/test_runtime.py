"""Invoking an endpoint through boto3's SageMaker Runtime client against the embedded cluster: the reply pretty-printed
with its latency, and each way it fails (not deployed, not in service, a body the model rejects, no credentials, no
server) said in one sentence; bad JSON is caught before anything is sent."""

from __future__ import annotations

import json
import socket
from itertools import count

import pytest

from hyptui.aws.runtime import (
    DEFAULT_REQUEST,
    InvokeResult,
    invoke_endpoint,
    invoke_endpoint_now,
    pretty_body,
    request_problem,
)
from hyptui.aws.target import AwsTarget
from hyptui.hyperpod.kinds import INFERENCE_ENDPOINT_CONFIGS
from hyptui.sim.cluster import EmbeddedCluster
from tests.endpoint_manifests import custom_endpoint

NS = "default"


def ticking() -> object:
    """A timer that moves 0.25 s per reading, so latency is exact."""
    readings = count()
    return lambda: next(readings) * 0.25


@pytest.fixture
def target(frozen_cluster: EmbeddedCluster) -> AwsTarget:
    return AwsTarget.embedded(frozen_cluster.aws_url)


def deploy(cluster: EmbeddedCluster, seconds: float, name: str = "chat") -> None:
    cluster.store.create(INFERENCE_ENDPOINT_CONFIGS, custom_endpoint(name), NS)
    cluster.advance(seconds, step=5)


async def test_an_endpoint_in_service_answers_with_a_pretty_printed_chat_completion(
    frozen_cluster: EmbeddedCluster, target: AwsTarget
) -> None:
    deploy(frozen_cluster, 20 * 60)
    result = await invoke_endpoint(target, "chat", DEFAULT_REQUEST, timer=ticking())
    assert result.ok
    assert result.content_type == "application/json"
    assert result.latency_ms == 250.0  # one tick between sending and the whole body read
    reply = json.loads(result.body)
    assert reply["object"] == "chat.completion"
    assert reply["choices"][0]["message"]["content"].startswith('You asked: "What is Amazon SageMaker HyperPod?"')
    assert result.body == json.dumps(reply, indent=2, ensure_ascii=False)


def test_an_endpoint_still_deploying_is_not_found_by_sagemaker(
    frozen_cluster: EmbeddedCluster, target: AwsTarget
) -> None:
    deploy(frozen_cluster, 60)
    result = invoke_endpoint_now(target, "chat", "{}", timer=ticking())
    assert result == InvokeResult(False, "Endpoint chat of account 123456789012 not found.", "", 250.0)


def test_an_endpoint_being_created_is_not_in_service(frozen_cluster: EmbeddedCluster, target: AwsTarget) -> None:
    deploy(frozen_cluster, 10 * 60)
    result = invoke_endpoint_now(target, "chat", "{}")
    assert not result.ok
    assert result.body == (
        "Endpoint chat of account 123456789012 is not in service: its status is Creating. "
        "Invoke it once its status is InService."
    )


def test_a_body_the_model_server_rejects_gives_its_own_answer(
    frozen_cluster: EmbeddedCluster, target: AwsTarget
) -> None:
    deploy(frozen_cluster, 20 * 60)
    result = invoke_endpoint_now(target, "chat", "not json", "text/plain")
    assert not result.ok
    assert result.body.startswith('The model server behind chat answered 400: {"code": 400')
    assert "Invalid JSON input" in result.body
    assert "(logs: arn:aws:logs:us-east-2:123456789012:log-group:/aws/sagemaker/Endpoints/chat)" in result.body


def test_no_credentials_is_one_sentence_saying_what_to_do(frozen_cluster: EmbeddedCluster) -> None:
    result = invoke_endpoint_now(AwsTarget(region="us-east-2", endpoint_url=frozen_cluster.aws_url), "chat", "{}")
    assert not result.ok
    assert result.body.startswith("Cannot invoke chat: no AWS credentials found.")


def test_a_server_that_does_not_answer_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")  # no retries: the point is the message, not the backoff
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = invoke_endpoint_now(AwsTarget.embedded(f"http://127.0.0.1:{port}"), "chat", "{}")
    assert not result.ok
    assert result.body.startswith("Cannot invoke chat: the AWS endpoint does not answer")
    assert f"127.0.0.1:{port}" in result.body


def test_broken_json_is_reported_by_line_and_column_before_sending() -> None:
    assert request_problem('{\n  "inputs": "hi",\n}', "application/json") == (
        "The request is not valid JSON: line 3, column 1: Expecting property name enclosed in double quotes"
    )
    assert request_problem(DEFAULT_REQUEST, "application/json; charset=utf-8") is None
    assert request_problem("plain words", "text/plain") is None  # only JSON bodies are checked
    assert request_problem("{}", " ") == "The content type is empty; SageMaker needs one (usually application/json)"


def test_replies_are_pretty_printed_only_when_they_are_json() -> None:
    assert pretty_body(b'{"a":[1,2]}', "application/json") == '{\n  "a": [\n    1,\n    2\n  ]\n}'
    assert pretty_body(b'{"caf\xc3\xa9": 1}', "") == '{\n  "café": 1\n}'
    assert pretty_body(b"plain answer", "text/plain") == "plain answer"
    assert pretty_body(b"{not json", "application/json") == "{not json"
