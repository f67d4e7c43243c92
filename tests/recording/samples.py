"""One filled-in value of every store action class, nested dataclasses and all, for the codec's round trip."""

from __future__ import annotations

from datetime import UTC, datetime

from hyptui.aws.clusters import ClusterDetail, ClusterNode, EksCluster, InstanceGroup
from hyptui.aws.stacks import Stack, StackEvent
from hyptui.store.actions import (
    Action,
    AwsClustersLoaded,
    AwsEksLoaded,
    AwsFailed,
    AwsStackLoaded,
    Connected,
    ConnectionFailed,
    InvocationRecorded,
    ListLoaded,
    Notice,
    WatchEvent,
    WatchStatusChanged,
)
from hyptui.store.state import (
    AwsCluster,
    AwsClusters,
    Connection,
    Invocation,
    StackProgress,
    WatchPhase,
    WatchStatus,
)

T0 = datetime(2026, 11, 28, 10, 0, 0, tzinfo=UTC)
JOB = {
    "apiVersion": "sagemaker.amazonaws.com/v1",
    "kind": "HyperPodPyTorchJob",
    "metadata": {"name": "llama", "namespace": "team-a", "resourceVersion": "12", "labels": {"a": "b"}},
    "spec": {"replicas": 2, "nested": [{"x": 1.5, "y": None, "z": True}]},
}
DETAIL = ClusterDetail(
    name="ml-cluster",
    arn="arn:aws:sagemaker:us-east-2:123456789012:cluster/abc",
    status="InService",
    created=T0,
    orchestrator="EKS",
    eks_cluster_arn="arn:aws:eks:us-east-2:123456789012:cluster/ml-eks",
    instance_groups=(InstanceGroup("gpu", "ml.p5.48xlarge", 2, 2, "InService"),),
    subnets=("subnet-1",),
    security_groups=("sg-1",),
)
NODE = ClusterNode("i-1", "gpu", "ml.p5.48xlarge", "Running", "", T0, "ip-10-0-0-1", "10.0.0.1", "us-east-2a")
EKS = EksCluster("ml-eks", DETAIL.eks_cluster_arn, "https://x.eks.amazonaws.com", "Q0E=", "1.32", "ACTIVE", "vpc-1")
STACK = Stack("main", "arn:stack/main", "CREATE_IN_PROGRESS", "", T0, "", None, (("Region", "us-east-2"),), ())
EVENT = StackEvent("e1", "main", "Vpc", "vpc-1", "AWS::EC2::VPC", "CREATE_COMPLETE", "", T0)

SAMPLES: tuple[Action, ...] = (
    Connected(Connection("ctx", "cluster", "user", None, "https://127.0.0.1:6443", readonly=True)),
    ConnectionFailed("kubeconfig /home/u/.kube/config: context 'gone' does not exist; contexts: a, b"),
    ListLoaded("jobs", (JOB, {"metadata": {"name": "other"}}), "12"),
    WatchEvent("jobs", "MODIFIED", JOB),
    WatchStatusChanged("jobs", WatchStatus(WatchPhase.RECONNECTING, "connection refused", T0)),
    Notice("Could not delete job llama"),
    Notice(None),
    InvocationRecorded("team-a/ep", Invocation(T0, '{"q": 1}', "application/json", True, "{}", 12.5)),
    AwsClustersLoaded("clusters", AwsClusters("us-east-2", (AwsCluster(DETAIL, (NODE,)),))),
    AwsStackLoaded("stack:main", StackProgress(STACK, {STACK.stack_id: (EVENT,)})),
    AwsEksLoaded("eks:ml-eks", EKS),
    AwsFailed("clusters", "Cannot list HyperPod clusters: throttled"),
)
