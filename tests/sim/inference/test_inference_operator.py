"""The simulated HyperPod inference operator on a frozen clock: model pods, deployment and SageMaker states, failures,
autoscaling, JumpStart models and deletion."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from hyptui.hyperpod.kinds import (
    EVENTS,
    INFERENCE_ENDPOINT_CONFIGS,
    JUMPSTART_MODELS,
    NODES,
    PODS,
    SAGEMAKER_ENDPOINT_REGISTRATIONS,
    ResourceKind,
)
from hyptui.hyperpod.namespaces import INFERENCE_OPERATOR_NAMESPACE
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.clock import SimClock
from hyptui.sim.inference.endpoints import LOAD_ANNOTATION
from hyptui.sim.inference.operator import InferenceOperator
from hyptui.sim.nodes.container_logs import LogStore
from hyptui.sim.nodes.system_pods import inference_operator_pod
from tests.endpoint_manifests import DJL, NS, custom_endpoint
from tests.sim.inference.inference_cluster import G5_12XL, START, add_inference_nodes


@dataclass
class Sim:
    clock: SimClock
    store: ObjectStore
    logs: LogStore
    operator: InferenceOperator
    seen: list[tuple[str, str]] = field(default_factory=list)

    def run(
        self, seconds: float, step: float = 1.0, name: str = "my-ep", kind: ResourceKind = INFERENCE_ENDPOINT_CONFIGS
    ) -> None:
        elapsed = 0.0
        while elapsed < seconds:
            self.clock.advance(step)
            self.operator.tick(self.clock.now())
            elapsed += step
            found = self.store.list(kind, NS, field_selector=f"metadata.name={name}")[0]
            if found:
                self.note(found[0])

    def note(self, obj: dict) -> None:
        status = obj.get("status") or {}
        sagemaker = ((status.get("endpoints") or {}).get("sagemaker") or {}).get("state", "")
        moment = (status.get("state", ""), sagemaker)
        if not self.seen or self.seen[-1] != moment:
            self.seen.append(moment)

    def endpoint(self, name: str = "my-ep", kind: ResourceKind = INFERENCE_ENDPOINT_CONFIGS) -> dict:
        return self.store.get(kind, NS, name)

    def pods(self, app: str = "my-ep") -> list[dict]:
        return self.store.list(PODS, NS, label_selector=f"app={app}")[0]

    def events(self, name: str) -> list[tuple[str, str, str]]:
        events = self.store.list(EVENTS, NS, field_selector=f"involvedObject.name={name}")[0]
        return [(e["type"], e["reason"], e["message"]) for e in events]

    def log(self, pod: dict) -> str:
        return "".join(self.logs.read(NS, pod["metadata"]["name"], "worker"))

    def operator_log(self) -> str:
        pod = self.store.list(PODS, INFERENCE_OPERATOR_NAMESPACE)[0][0]
        return "".join(self.logs.read(INFERENCE_OPERATOR_NAMESPACE, pod["metadata"]["name"], "manager"))


@pytest.fixture
def sim() -> Sim:
    clock = SimClock(start=START, speed=0)
    store, logs = ObjectStore(clock), LogStore()
    add_inference_nodes(store, clock.now())
    cpu_node = store.get(NODES, None, "hyperpod-i-0000000000000000d")
    store.create(PODS, inference_operator_pod(cpu_node, clock.now(), logs), INFERENCE_OPERATOR_NAMESPACE)
    return Sim(clock, store, logs, InferenceOperator(store, logs))


def seconds_since_start(stamp: str) -> float:
    return (datetime.fromisoformat(stamp) - START).total_seconds()


def test_a_custom_endpoint_deploys_its_model_then_its_sagemaker_endpoint(sim: Sim) -> None:
    sim.store.create(INFERENCE_ENDPOINT_CONFIGS, custom_endpoint(), NS)
    sim.run(1)
    assert sim.endpoint()["status"]["state"] == "DeploymentPending"
    sim.run(20 * 60)
    assert sim.seen == [
        ("DeploymentPending", ""),
        ("DeploymentInProgress", ""),
        ("DeploymentComplete", ""),
        ("DeploymentComplete", "CreationInProgress"),
        ("DeploymentComplete", "CreationCompleted"),
    ]
    endpoint = sim.endpoint()
    status = endpoint["status"]
    deployment = status["deploymentStatus"]
    assert deployment["deploymentObjectOverallState"] == "DeploymentComplete"
    assert 2 * 60 <= seconds_since_start(deployment["lastUpdated"]) <= 5 * 60  # hyp: "completed in 1-5 min"
    assert {k: deployment["status"][k] for k in ("replicas", "readyReplicas", "availableReplicas")} == {
        "replicas": 1,
        "readyReplicas": 1,
        "availableReplicas": 1,
    }
    conditions = {c["type"]: (c["status"], c["reason"]) for c in deployment["status"]["conditions"]}
    assert conditions == {
        "Available": ("True", "MinimumReplicasAvailable"),
        "Progressing": ("True", "NewReplicaSetAvailable"),
    }
    assert status["endpoints"]["sagemaker"] == {
        "state": "CreationCompleted",
        "endpointArn": "arn:aws:sagemaker:us-east-2:123456789012:endpoint/my-ep",
        "configArn": "arn:aws:sagemaker:us-east-2:123456789012:endpoint-config/my-ep-config",
        "modelArn": "arn:aws:sagemaker:us-east-2:123456789012:model/my-ep-model",
    }
    assert (status["selector"], status["replicas"]) == ("app=my-ep", 1)
    assert endpoint["metadata"]["finalizers"] == ["inference.sagemaker.aws.amazon.com/finalizer"]

    (pod,) = sim.pods()
    assert pod["spec"]["nodeName"] in G5_12XL
    assert pod["metadata"]["ownerReferences"][0]["uid"] == endpoint["metadata"]["uid"]
    assert pod["spec"]["containers"][0]["resources"]["limits"] == {"nvidia.com/gpu": "1"}
    assert pod["status"]["phase"] == "Running"
    assert all(c["status"] == "True" for c in pod["status"]["conditions"])
    log = sim.log(pod)
    assert "Downloading model llama3-8b from s3://my-bucket/models/llama to /opt/ml/model" in log
    assert "Starting worker thread WT-0001 for model llama3-8b" in log
    assert log.endswith("INFO  ModelServer Model server started.\n")

    registration = sim.store.get(SAGEMAKER_ENDPOINT_REGISTRATIONS, NS, "my-ep")
    assert registration["status"]["state"] == "CreationCompleted"
    assert registration["spec"]["name"] == "my-ep"
    assert registration["status"]["endpoint"]["arn"] == status["endpoints"]["sagemaker"]["endpointArn"]
    reasons = [reason for _, reason, _ in sim.events("my-ep") if reason != "Scheduled"]
    assert reasons == ["DeploymentInProgress", "DeploymentComplete", "CreationInProgress", "CreationCompleted"]
    kubelet = [reason for _, reason, _ in sim.events(pod["metadata"]["name"])]
    assert kubelet == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    operator_log = sim.operator_log()
    for line in ("Reconciling InferenceEndpointConfig", "Model deployment complete", "SageMaker endpoint is InService"):
        assert line in operator_log


def test_an_instance_type_the_cluster_lacks_fails_the_deployment(sim: Sim) -> None:
    sim.store.create(INFERENCE_ENDPOINT_CONFIGS, custom_endpoint(instance_type="ml.p5.48xlarge"), NS)
    sim.run(10)
    deployment = sim.endpoint()["status"]["deploymentStatus"]
    assert deployment["deploymentObjectOverallState"] == "DeploymentFailed"
    assert deployment["reason"] == "InstanceTypeNotInCluster"
    assert deployment["message"] == (
        "Instance type ml.p5.48xlarge is not available in HyperPod cluster ml-cluster "
        "(instance types: ml.g5.12xlarge, ml.g5.8xlarge, ml.t3.medium)"
    )
    assert sim.pods() == []
    assert ("Warning", "DeploymentFailed", deployment["message"]) in sim.events("my-ep")


def test_more_gpus_than_the_instance_has_fails_the_deployment(sim: Sim) -> None:
    sim.store.create(INFERENCE_ENDPOINT_CONFIGS, custom_endpoint(gpus=8), NS)
    sim.run(10)
    deployment = sim.endpoint()["status"]["deploymentStatus"]
    assert (deployment["deploymentObjectOverallState"], deployment["reason"]) == (
        "DeploymentFailed",
        "InsufficientCapacity",
    )
    assert deployment["message"] == "The worker requests 8 nvidia.com/gpu but ml.g5.12xlarge has at most 4 per instance"
    assert sim.pods() == []


def test_a_cluster_without_free_gpus_fails_at_the_deadline(sim: Sim) -> None:
    sim.store.create(INFERENCE_ENDPOINT_CONFIGS, custom_endpoint("hog", gpus=4, replicas=2), NS)
    sim.run(10, name="hog")
    sim.store.create(INFERENCE_ENDPOINT_CONFIGS, custom_endpoint(gpus=2, maxDeployTimeInSeconds=300), NS)
    sim.seen.clear()
    sim.run(302)  # created 10 s in, validated 3 s later: the deadline is at 313 s
    assert sim.endpoint()["status"]["state"] == "DeploymentInProgress"
    (pod,) = sim.pods()
    scheduled = next(c for c in pod["status"]["conditions"] if c["type"] == "PodScheduled")
    assert (scheduled["status"], scheduled["reason"]) == ("False", "Unschedulable")
    assert "2 Insufficient nvidia.com/gpu" in scheduled["message"]
    assert any(reason == "FailedScheduling" for _, reason, _ in sim.events(pod["metadata"]["name"]))
    sim.run(1)
    deployment = sim.endpoint()["status"]["deploymentStatus"]
    assert seconds_since_start(deployment["lastUpdated"]) == 313
    assert (deployment["deploymentObjectOverallState"], deployment["reason"]) == (
        "DeploymentFailed",
        "ProgressDeadlineExceeded",
    )
    assert deployment["message"].startswith(
        f"Deployment my-ep did not become available in time: pod {pod['metadata']['name']}: 0/4 nodes are available"
    )
    assert "2 Insufficient nvidia.com/gpu" in deployment["message"]
    progressing = next(c for c in deployment["status"]["conditions"] if c["type"] == "Progressing")
    assert (progressing["status"], progressing["reason"]) == ("False", "ProgressDeadlineExceeded")
    assert "readyReplicas" not in deployment["status"]  # zero counts are omitted, as the Deployment's status does


def test_a_bad_image_fails_the_deployment_with_the_kubelets_message(sim: Sim) -> None:
    image = "763104351884.dkr.ecr.us-east-2.amazonaws.com/djl-inferense:0.32.0-lmi14.0.0-cu124"
    sim.store.create(INFERENCE_ENDPOINT_CONFIGS, custom_endpoint(image=image), NS)
    sim.run(5 * 60)
    assert sim.seen == [("DeploymentPending", ""), ("DeploymentInProgress", ""), ("DeploymentFailed", "")]
    (pod,) = sim.pods()
    waiting = pod["status"]["containerStatuses"][0]["state"]["waiting"]
    assert waiting["reason"] == "ImagePullBackOff"
    not_found = f'failed to pull and unpack image "{image}": failed to resolve reference "{image}": {image}: not found'
    deployment = sim.endpoint()["status"]["deploymentStatus"]
    assert deployment["reason"] == "ImagePullFailed"
    assert deployment["message"] == f"Pod {pod['metadata']['name']} cannot pull image {image}: {not_found}"
    kubelet = sim.events(pod["metadata"]["name"])
    assert ("Warning", "Failed", f'Failed to pull image "{image}": {not_found}') in kubelet
    assert ("Normal", "BackOff", f'Back-off pulling image "{image}"') in kubelet
    assert ("Warning", "Failed", "Error: ImagePullBackOff") in kubelet


def test_an_unparsable_image_fails_at_once(sim: Sim) -> None:
    sim.store.create(INFERENCE_ENDPOINT_CONFIGS, custom_endpoint(image="My Image"), NS)
    sim.run(3 * 60)
    deployment = sim.endpoint()["status"]["deploymentStatus"]
    assert (deployment["deploymentObjectOverallState"], deployment["reason"]) == ("DeploymentFailed", "ImagePullFailed")
    assert "invalid reference format" in deployment["message"]
    (pod,) = sim.pods()
    assert pod["status"]["containerStatuses"][0]["state"]["waiting"]["reason"] == "InvalidImageName"


AUTOSCALING = {
    "autoScalingSpec": {
        "minReplicaCount": 1,
        "maxReplicaCount": 3,
        "cloudWatchTrigger": {"metricName": "Invocations", "metricType": "Average", "targetValue": 10},
    }
}


def annotate(sim: Sim, load: str) -> None:
    def set_load(obj: dict) -> None:
        obj["metadata"].setdefault("annotations", {})[LOAD_ANNOTATION] = load

    sim.store.mutate(INFERENCE_ENDPOINT_CONFIGS, NS, "my-ep", set_load)


def test_the_load_annotation_scales_between_min_and_max_replicas(sim: Sim) -> None:
    sim.store.create(INFERENCE_ENDPOINT_CONFIGS, custom_endpoint(**copy.deepcopy(AUTOSCALING)), NS)
    sim.run(6 * 60)
    assert sim.endpoint()["status"]["state"] == "DeploymentComplete"
    annotate(sim, "25")  # 25 / 10 per pod → 3 pods
    sim.run(31)
    assert len(sim.pods()) == 3
    assert sim.endpoint()["status"]["replicas"] == 3
    rescale = [m for _, reason, m in sim.events("my-ep") if reason == "SuccessfulRescale"]
    assert rescale == ["New size: 3; reason: Invocations (25) above target (10)"]
    annotate(sim, "1000")  # capped at maxReplicaCount
    sim.run(31)
    assert len(sim.pods()) == 3
    sim.run(5 * 60, step=5)
    counts = sim.endpoint()["status"]["deploymentStatus"]["status"]
    assert (counts["replicas"], counts["readyReplicas"], counts["availableReplicas"]) == (3, 3, 3)
    assert sim.endpoint()["status"]["state"] == "DeploymentComplete"

    annotate(sim, "4")  # below target: down to minReplicaCount after the 300 s stabilization window
    sim.run(4 * 60, step=5)
    assert len(sim.pods()) == 3
    sim.run(90, step=5)
    assert len(sim.pods()) == 1
    assert sim.endpoint()["status"]["replicas"] == 1
    assert [m for _, r, m in sim.events("my-ep") if r == "SuccessfulRescale"][-1] == (
        "New size: 1; reason: All metrics below target"
    )


def test_a_jumpstart_model_deploys_from_its_model_id_on_the_whole_instance(sim: Sim) -> None:
    model = {
        "metadata": {"name": "llama-ep"},
        "spec": {
            "model": {
                "acceptEula": True,
                "modelHubName": "SageMakerPublicHub",
                "modelId": "meta-textgeneration-llama-3-2-1b",
                "modelVersion": "1.0.0",
            },
            "sageMakerEndpoint": {"name": "llama-ep"},
            "server": {"instanceType": "ml.g5.12xlarge", "validations": {"acceleratorPartitionValidation": True}},
            "tlsConfig": {"tlsCertificateOutputS3Uri": "s3://certs-bucket/"},
        },
    }
    sim.store.create(JUMPSTART_MODELS, model, NS)
    sim.run(20 * 60, step=2, name="llama-ep", kind=JUMPSTART_MODELS)
    assert sim.seen[-1] == ("DeploymentComplete", "CreationCompleted")
    (pod,) = sim.pods("llama-ep")
    container = pod["spec"]["containers"][0]
    assert container["image"] == DJL
    assert container["resources"]["limits"] == {"nvidia.com/gpu": "4"}
    assert "from s3://jumpstart-cache-prod-us-east-2/SageMakerPublicHub/meta-textgeneration-llama-3-2-1b/1.0.0/" in (
        sim.log(pod)
    )


def test_a_gated_jumpstart_model_needs_its_eula_accepted(sim: Sim) -> None:
    model = {
        "metadata": {"name": "llama-ep"},
        "spec": {
            "model": {"acceptEula": False, "modelId": "meta-textgeneration-llama-3-2-1b", "modelVersion": "1.0.0"},
            "server": {"instanceType": "ml.g5.12xlarge"},
        },
    }
    sim.store.create(JUMPSTART_MODELS, model, NS)
    sim.run(10, name="llama-ep", kind=JUMPSTART_MODELS)
    deployment = sim.endpoint("llama-ep", JUMPSTART_MODELS)["status"]["deploymentStatus"]
    assert (deployment["deploymentObjectOverallState"], deployment["reason"]) == ("DeploymentFailed", "EulaNotAccepted")


def test_deleting_an_endpoint_removes_its_pods_registration_and_sagemaker_endpoint(sim: Sim) -> None:
    sim.store.create(INFERENCE_ENDPOINT_CONFIGS, custom_endpoint(), NS)
    sim.run(20 * 60, step=2)
    assert sim.seen[-1] == ("DeploymentComplete", "CreationCompleted")
    sim.store.delete(INFERENCE_ENDPOINT_CONFIGS, NS, "my-ep")
    sim.run(1)
    endpoint = sim.endpoint()
    assert endpoint["status"]["state"] == "DeletionInProgress"
    assert endpoint["status"]["endpoints"]["sagemaker"]["state"] == "DeletionInProgress"
    assert sim.pods() == []
    registration = sim.store.get(SAGEMAKER_ENDPOINT_REGISTRATIONS, NS, "my-ep")
    assert registration["status"]["state"] == "DeletionInProgress"
    sim.run(30)
    assert sim.store.list(INFERENCE_ENDPOINT_CONFIGS)[0] == []
    assert sim.store.list(SAGEMAKER_ENDPOINT_REGISTRATIONS)[0] == []
    assert "Removed finalizer, deletion complete" in sim.operator_log()


def test_an_endpoint_without_a_sagemaker_name_stops_at_deployment_complete(sim: Sim) -> None:
    obj = custom_endpoint()
    obj["spec"]["endpointName"] = ""
    sim.store.create(INFERENCE_ENDPOINT_CONFIGS, obj, NS)
    sim.run(15 * 60, step=5)
    assert sim.seen[-1] == ("DeploymentComplete", "")
    assert sim.store.list(SAGEMAKER_ENDPOINT_REGISTRATIONS)[0] == []


def _replay(step: float) -> tuple[dict, list[str], list[str]]:
    clock = SimClock(start=START, speed=0)
    store, logs = ObjectStore(clock), LogStore()
    add_inference_nodes(store, clock.now())
    store.create(INFERENCE_ENDPOINT_CONFIGS, custom_endpoint(replicas=2), NS)
    operator = InferenceOperator(store, logs)
    elapsed = 0.0
    while elapsed < 15 * 60:
        clock.advance(step)
        operator.tick(clock.now())
        elapsed += step
    status = store.get(INFERENCE_ENDPOINT_CONFIGS, NS, "my-ep")["status"]
    pods = store.list(PODS, NS)[0]
    names = [p["metadata"]["name"] for p in pods]
    return status, names, [line for p in names for line in logs.read(NS, p, "worker", timestamps=True)]


def test_one_long_tick_replays_what_many_short_ticks_do() -> None:
    assert _replay(1.0) == _replay(15 * 60)


def test_a_tick_with_nothing_due_writes_nothing(sim: Sim) -> None:
    sim.store.create(INFERENCE_ENDPOINT_CONFIGS, custom_endpoint(), NS)
    sim.run(20 * 60, step=5)
    version = sim.store.resource_version
    sim.operator.tick(sim.clock.now() + timedelta(seconds=1))
    assert sim.store.resource_version == version
