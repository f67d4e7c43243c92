"""The labels, annotations and taints HyperPod, its add-ons and Kueue put on Kubernetes objects, each spelled once for
the simulator, the views and the screens."""

from collections.abc import Mapping
from types import MappingProxyType

# The training operator's pods and its own controller pod.
JOB_LABEL = (
    "HPJob"  # the training operator labels every pod of a job with HPJob=<job name>; `hyp list-pods` selects on it
)
OPERATOR_POD_LABEL = "hp-training-control-plane"  # `hyp get-operator-logs` selects the operator pod on this key
APP_LABEL = "app"  # the inference operator labels an endpoint's model pods with app=<endpoint name>

# Nodes: the well-known Kubernetes labels, then HyperPod's own.
INSTANCE_TYPE_LABEL = "node.kubernetes.io/instance-type"
REGION_LABEL = "topology.kubernetes.io/region"
ZONE_LABEL = "topology.kubernetes.io/zone"
CLUSTER_NAME_LABEL = "sagemaker.amazonaws.com/cluster-name"
INSTANCE_GROUP_LABEL = "sagemaker.amazonaws.com/instance-group-name"
NODE_HEALTH_LABEL = "sagemaker.amazonaws.com/node-health-status"  # the health agent's verdict on a node
DEEP_HEALTH_LABEL = "sagemaker.amazonaws.com/deep-health-check-status"
# Values of the two health labels, as the "Resilience-related Kubernetes labels" page of the HyperPod docs lists them.
SCHEDULABLE = "Schedulable"
UNSCHEDULABLE = "Unschedulable"  # deep health checks running
PENDING_REPLACEMENT = "UnschedulablePendingReplacement"
PENDING_REBOOT = "UnschedulablePendingReboot"
DEEP_HEALTH_PASSED = "Passed"
DEEP_HEALTH_IN_PROGRESS = "InProgress"
# What HyperPod puts on a node it quarantines (a copy gets its timeAdded).
HEALTH_TAINT: Mapping[str, str] = MappingProxyType(
    {"key": NODE_HEALTH_LABEL, "value": UNSCHEDULABLE, "effect": "NoSchedule"}
)

# Kueue: the queue and priority a job asks for, and the job a Workload stands for.
QUEUE_LABEL = "kueue.x-k8s.io/queue-name"
PRIORITY_CLASS_LABEL = "kueue.x-k8s.io/priority-class"
JOB_UID_LABEL = "kueue.x-k8s.io/job-uid"
# SageMaker task governance's marks on the Kueue objects it manages.
MANAGED_QUEUE_LABEL = "sagemaker.amazonaws.com/sagemaker-managed-queue"
QUOTA_ALLOCATION_LABEL = "sagemaker.amazonaws.com/quota-allocation-id"

# The spaces add-on (jupyter-infra/jupyter-k8s): the label on a space's pod, the annotation naming its creator, the
# default WorkspaceTemplate's mark.
WORKSPACE_NAME_LABEL = "workspace.jupyter.org/workspace-name"
CREATED_BY_ANNOTATION = "workspace.jupyter.org/created-by"
DEFAULT_TEMPLATE_LABEL = "workspace.jupyter.org/default-template"
