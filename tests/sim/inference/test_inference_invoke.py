"""Inference endpoints over real HTTP: created by `hyptui create` from hyp's rendered manifest, read with kubectl and
the official client, and invoked through boto3's SageMaker Runtime client pointed at the embedded AWS server."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from kubernetes import client, config

from hyptui.hyperpod.kinds import INFERENCE_ENDPOINT_CONFIGS, NODES, PODS
from hyptui.hyperpod.namespaces import INFERENCE_OPERATOR_NAMESPACE
from hyptui.screens.shell.main import main
from hyptui.sim.clock import SimClock
from hyptui.sim.cluster import EmbeddedCluster
from hyptui.sim.nodes.system_pods import inference_operator_pod
from tests.endpoint_manifests import NS, custom_endpoint
from tests.paths import HYP_FIXTURES
from tests.sim.inference.inference_cluster import START, add_inference_nodes

FIXTURES = HYP_FIXTURES


@pytest.fixture
def cluster() -> Iterator[EmbeddedCluster]:
    sim = EmbeddedCluster(clock=SimClock(start=START, speed=0), populate=False)
    add_inference_nodes(sim.store, sim.clock.now())
    cpu_node = sim.store.get(NODES, None, "hyperpod-i-0000000000000000d")
    sim.store.create(PODS, inference_operator_pod(cpu_node, sim.clock.now(), sim.logs), INFERENCE_OPERATOR_NAMESPACE)
    with sim:
        yield sim


@pytest.fixture
def runtime(cluster: EmbeddedCluster) -> BaseClient:
    return boto3.client(
        "sagemaker-runtime",
        endpoint_url=cluster.aws_url,
        region_name="us-east-2",
        aws_access_key_id="hyptui",
        aws_secret_access_key="hyptui",
    )


def status(cluster: EmbeddedCluster, name: str = "my-ep") -> dict:
    return cluster.store.get(INFERENCE_ENDPOINT_CONFIGS, NS, name).get("status") or {}


CHAT = {
    "messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is the capital of Japan?"},
    ]
}


def test_invoke_answers_with_a_chat_completion_once_in_service(cluster: EmbeddedCluster, runtime: BaseClient) -> None:
    cluster.store.create(INFERENCE_ENDPOINT_CONFIGS, custom_endpoint(endpoint_name="My-Endpoint"), NS)
    cluster.advance(20 * 60, step=5)
    assert status(cluster)["endpoints"]["sagemaker"]["state"] == "CreationCompleted"
    reply = runtime.invoke_endpoint(EndpointName="My-Endpoint", Body=json.dumps(CHAT), ContentType="application/json")
    assert reply["ContentType"] == "application/json"
    assert reply["InvokedProductionVariant"] == "AllTraffic"
    body = json.loads(reply["Body"].read())
    assert body["object"] == "chat.completion"
    assert body["model"] == "llama3-8b"
    assert body["choices"][0]["message"] == {
        "role": "assistant",
        "content": 'You asked: "What is the capital of Japan?" (6 words). '
        "This answer comes from llama3-8b on the simulated HyperPod endpoint My-Endpoint.",
    }
    assert body["choices"][0]["finish_reason"] == "stop"
    assert body["usage"]["total_tokens"] == body["usage"]["prompt_tokens"] + body["usage"]["completion_tokens"]
    again = runtime.invoke_endpoint(EndpointName="My-Endpoint", Body=json.dumps(CHAT), ContentType="application/json")
    assert json.loads(again["Body"].read()) == body  # deterministic for the same request at the same moment
    inputs = runtime.invoke_endpoint(EndpointName="My-Endpoint", Body=b'{"inputs": "Hello there"}')
    assert '"Hello there" (2 words)' in json.loads(inputs["Body"].read())["choices"][0]["message"]["content"]


def test_an_unknown_endpoint_is_a_validation_error(runtime: BaseClient) -> None:
    with pytest.raises(ClientError) as error:
        runtime.invoke_endpoint(EndpointName="nope", Body=b"{}", ContentType="application/json")
    assert error.value.response["Error"] == {
        "Code": "ValidationError",
        "Message": "Endpoint nope of account 123456789012 not found.",
    }
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_an_endpoint_not_yet_in_service_says_so(cluster: EmbeddedCluster, runtime: BaseClient) -> None:
    cluster.store.create(INFERENCE_ENDPOINT_CONFIGS, custom_endpoint(), NS)
    cluster.advance(60, step=5)
    with pytest.raises(ClientError) as deploying:  # no SageMaker endpoint before the model is deployed
        runtime.invoke_endpoint(EndpointName="my-ep", Body=b"{}")
    assert deploying.value.response["Error"]["Message"] == "Endpoint my-ep of account 123456789012 not found."
    cluster.advance(5 * 60, step=5)
    assert status(cluster)["endpoints"]["sagemaker"]["state"] == "CreationInProgress"
    with pytest.raises(ClientError) as creating:
        runtime.invoke_endpoint(EndpointName="my-ep", Body=b"{}")
    assert creating.value.response["Error"] == {
        "Code": "ValidationError",
        "Message": "Endpoint my-ep of account 123456789012 is not in service: its status is Creating. "
        "Invoke it once its status is InService.",
    }


def test_a_body_the_model_server_rejects_is_a_model_error(cluster: EmbeddedCluster, runtime: BaseClient) -> None:
    cluster.store.create(INFERENCE_ENDPOINT_CONFIGS, custom_endpoint(), NS)
    cluster.advance(20 * 60, step=5)
    with pytest.raises(ClientError) as error:
        runtime.invoke_endpoint(EndpointName="my-ep", Body=b"not json", ContentType="application/json")
    response = error.value.response
    assert response["Error"]["Code"] == "ModelError"
    assert response["Error"]["Message"].startswith("Received client error (400) from primary with message")
    assert response["OriginalStatusCode"] == 400
    assert response["LogStreamArn"] == "arn:aws:logs:us-east-2:123456789012:log-group:/aws/sagemaker/Endpoints/my-ep"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 424


def test_hyp_create_of_a_rendered_custom_endpoint_deploys(cluster: EmbeddedCluster, tmp_path: Path) -> None:
    directory = tmp_path / "endpoint"
    shutil.copytree(FIXTURES / "custom-endpoint-1.2-s3", directory, ignore=shutil.ignore_patterns("run", ".*.out"))
    kubeconfig = cluster.write_kubeconfig(tmp_path / "kubeconfig")
    assert main(["--kubeconfig", str(kubeconfig), "create", str(directory)]) == 0
    cluster.advance(20 * 60, step=5)
    state = status(cluster)
    assert (state["state"], state["endpoints"]["sagemaker"]["state"]) == ("DeploymentComplete", "CreationCompleted")
    (pod,) = cluster.store.list(PODS, NS, label_selector="app=my-ep")[0]
    assert pod["spec"]["nodeName"] == "hyperpod-i-0000000000000000c"  # the one ml.g5.8xlarge
    container = pod["spec"]["containers"][0]
    assert {"name": "OPTION_ROLLING_BATCH", "value": "vllm"} in container["env"]
    assert container["resources"]["requests"] == {"nvidia.com/gpu": "1", "cpu": "4", "memory": "16Gi"}
    log = "".join(cluster.logs.read(NS, pod["metadata"]["name"], "worker"))
    assert "Downloading model my-model from s3://my-bucket/models/llama to /opt/ml/model" in log
    assert "rolling_batch: vllm" in log


def test_kubectl_and_the_official_client_read_the_inference_kinds(cluster: EmbeddedCluster, tmp_path: Path) -> None:
    cluster.store.create(INFERENCE_ENDPOINT_CONFIGS, custom_endpoint(), NS)
    cluster.advance(20 * 60, step=5)
    kubeconfig = cluster.write_kubeconfig(tmp_path / "kubeconfig")
    output = subprocess.run(
        [
            "kubectl",
            "--kubeconfig",
            str(kubeconfig),
            "--cache-dir",
            str(tmp_path / "cache"),
            "get",
            "inferenceendpointconfigs,jumpstartmodels,sagemakerendpointregistrations",
            "-n",
            NS,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    # The real CRDs declare no printer columns, so kubectl shows the API server's default: name and age.
    assert output == (
        "NAME                                                               AGE\n"
        "inferenceendpointconfig.inference.sagemaker.aws.amazon.com/my-ep   20m\n"
        "\n"
        "NAME                                                                     AGE\n"
        "sagemakerendpointregistration.inference.sagemaker.aws.amazon.com/my-ep   15m\n"
    )
    api = client.CustomObjectsApi(config.new_client_from_config(str(kubeconfig)))
    listed = api.list_namespaced_custom_object(
        "inference.sagemaker.aws.amazon.com", "v1", NS, "inferenceendpointconfigs"
    )
    (item,) = listed["items"]
    assert item["status"]["deploymentStatus"]["deploymentObjectOverallState"] == "DeploymentComplete"
    patched = api.patch_namespaced_custom_object_status(
        "inference.sagemaker.aws.amazon.com", "v1", NS, "inferenceendpointconfigs", "my-ep", {"status": {"state": "X"}}
    )
    assert patched["status"]["state"] == "X"  # the status subresource is served
    assert patched["spec"] == item["spec"]
