"""The Kubernetes kinds hyptui knows: one table for the gateway (what to watch) and the embedded cluster (to serve)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from hyptui.hyperpod import kueue_versions


@dataclass(frozen=True, slots=True)
class PrinterColumn:
    """A CRD `additionalPrinterColumns` entry: what `kubectl get` shows for a custom kind (built-in kinds have
    kubectl's own printers instead)."""

    name: str
    type: str  # string | integer | number | boolean | date
    json_path: str  # evaluated against the object, e.g. `.status.conditions[-1:].type`
    description: str = ""
    priority: int = 0  # 1 = only with `-o wide`
    format: str = ""


AGE_COLUMN = PrinterColumn(
    "Age", "date", ".metadata.creationTimestamp", "CreationTimestamp is a timestamp of when this object was created."
)


@dataclass(frozen=True, slots=True)
class ServedVersion:
    """One more version a custom kind is served at besides its storage version: how objects convert on the way in
    and out, the columns its CRD declares for it, and the Warning a deprecated version sends along."""

    version: str
    to_storage: Callable[[dict[str, Any]], dict[str, Any]]
    from_storage: Callable[[dict[str, Any]], dict[str, Any]]
    printer_columns: tuple[PrinterColumn, ...] = ()
    deprecation_warning: str = ""


@dataclass(frozen=True, slots=True)
class ResourceKind:
    key: str  # hyptui's own short handle, used as the state key for the collection
    group: str  # "" for the core group
    version: str
    plural: str
    kind: str
    namespaced: bool
    singular: str
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    has_status: bool = False  # served with a /status subresource
    builtin: bool = False  # a built-in kind (strategic merge patch allowed), not a custom resource
    # field selectors the real API server accepts beyond metadata.name/metadata.namespace
    field_labels: tuple[str, ...] = ()
    # custom kinds only: the CRD's additionalPrinterColumns (none declared = the API server's default, Age)
    printer_columns: tuple[PrinterColumn, ...] = ()
    # custom kinds only: older versions also served, converted to and from `version` (storage, preferred)
    served_versions: tuple[ServedVersion, ...] = ()
    # top-level fields beside apiVersion, kind, metadata, spec and status (WorkloadPriorityClass has `value`)
    extra_fields: tuple[str, ...] = ()
    deprecation_warning: str = ""  # set on the view of a deprecated served version (see at_version)

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def list_kind(self) -> str:
        return f"{self.kind}List"

    @property
    def qualified_plural(self) -> str:
        """`pods`, or `hyperpodpytorchjobs.sagemaker.amazonaws.com` for custom kinds (as error messages name them)."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    def collection_path(self, namespace: str | None = None) -> str:
        base = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        if self.namespaced and namespace:
            return f"{base}/namespaces/{namespace}/{self.plural}"
        return f"{base}/{self.plural}"

    def object_path(self, namespace: str | None, name: str) -> str:
        return f"{self.collection_path(namespace)}/{name}"

    def at_version(self, version: str) -> ResourceKind:
        """This kind as served at one of its `served_versions`: same names, that version's columns and warning."""
        served = next(v for v in self.served_versions if v.version == version)
        return replace(
            self,
            version=served.version,
            printer_columns=served.printer_columns,
            served_versions=(),
            deprecation_warning=served.deprecation_warning,
        )


NAMESPACES = ResourceKind(
    key="namespaces",
    group="",
    version="v1",
    plural="namespaces",
    kind="Namespace",
    namespaced=False,
    singular="namespace",
    short_names=("ns",),
    has_status=True,
    builtin=True,
    field_labels=("status.phase",),
)
NODES = ResourceKind(
    key="nodes",
    group="",
    version="v1",
    plural="nodes",
    kind="Node",
    namespaced=False,
    singular="node",
    short_names=("no",),
    has_status=True,
    builtin=True,
    field_labels=("spec.unschedulable",),
)
PODS = ResourceKind(
    key="pods",
    group="",
    version="v1",
    plural="pods",
    kind="Pod",
    namespaced=True,
    singular="pod",
    short_names=("po",),
    categories=("all",),
    has_status=True,
    builtin=True,
    field_labels=(
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.nominatedNodeName",
    ),
)
EVENTS = ResourceKind(
    key="events",
    group="",
    version="v1",
    plural="events",
    kind="Event",
    namespaced=True,
    singular="event",
    short_names=("ev",),
    builtin=True,
    field_labels=(
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    ),
)
HYPERPOD_PYTORCH_JOBS = ResourceKind(
    key="jobs",
    group="sagemaker.amazonaws.com",
    version="v1",
    plural="hyperpodpytorchjobs",
    kind="HyperPodPyTorchJob",
    namespaced=True,
    singular="hyperpodpytorchjob",
    short_names=("hpjob",),
    categories=("all",),
    has_status=True,
    # The operator's CRD is not public; these follow the Kubeflow PyTorchJob CRD it descends from, plus restarts.
    printer_columns=(
        PrinterColumn("State", "string", ".status.conditions[-1:].type", "The latest condition of the job"),
        AGE_COLUMN,
        PrinterColumn("Restarts", "integer", ".status.restartCount", "Job-level restarts", priority=1),
    ),
)

# SageMaker Spaces (the EKS add-on `amazon-sagemaker-spaces`, built on jupyter-infra/jupyter-k8s): printer columns as in
# that project's CRDs, which declare no short names.
WORKSPACES = ResourceKind(
    key="workspaces",
    group="workspace.jupyter.org",
    version="v1alpha1",
    plural="workspaces",
    kind="Workspace",
    namespaced=True,
    singular="workspace",
    has_status=True,
    printer_columns=(
        PrinterColumn("Available", "string", '.status.conditions[?(@.type=="Available")].status'),
        PrinterColumn("Progressing", "string", '.status.conditions[?(@.type=="Progressing")].status'),
        PrinterColumn("Degraded", "string", '.status.conditions[?(@.type=="Degraded")].status'),
        PrinterColumn("Age", "date", ".metadata.creationTimestamp"),
        PrinterColumn(
            "CreatedBy", "string", r".metadata.annotations['workspace\.jupyter\.org/created-by']", priority=1
        ),
        PrinterColumn("AccessType", "string", ".spec.accessType", priority=1),
    ),
)
WORKSPACE_TEMPLATES = ResourceKind(
    key="workspacetemplates",
    group="workspace.jupyter.org",
    version="v1alpha1",
    plural="workspacetemplates",
    kind="WorkspaceTemplate",
    namespaced=True,
    singular="workspacetemplate",
    has_status=True,
    printer_columns=(
        PrinterColumn("Display Name", "string", ".spec.displayName"),
        PrinterColumn("Default Image", "string", ".spec.defaultImage"),
        PrinterColumn("Age", "date", ".metadata.creationTimestamp"),
    ),
)
# Served by the add-on's extension API server (an aggregated API, like TokenReview): create is the only verb, the
# answer carries `status.workspaceConnectionUrl`, and nothing is stored, so it is no CRD and is not in ALL_KINDS.
WORKSPACE_CONNECTIONS = ResourceKind(
    key="workspaceconnections",
    group="connection.workspace.jupyter.org",
    version="v1alpha1",
    plural="workspaceconnections",
    kind="WorkspaceConnection",
    namespaced=True,
    singular="workspaceconnection",
)
CREATE_ONLY_KINDS: tuple[ResourceKind, ...] = (WORKSPACE_CONNECTIONS,)

# Kueue (kueue.x-k8s.io, v0.19 as the HyperPod task-governance add-on packages it): v1beta2 stored and preferred,
# v1beta1 still served but deprecated. Names, scopes and printer columns as in Kueue's generated CRDs.
_COHORT_DESCRIPTION = "Cohort that this ClusterQueue belongs to"
_STRATEGY_COLUMN = PrinterColumn(
    "Strategy", "string", ".spec.queueingStrategy", "The queueing strategy used to prioritize workloads", priority=1
)
_PENDING_COLUMN = PrinterColumn(
    "Pending Workloads", "integer", ".status.pendingWorkloads", "Number of pending workloads"
)
_CQ_ADMITTED_COLUMN = PrinterColumn(
    "Admitted Workloads",
    "integer",
    ".status.admittedWorkloads",
    "Number of admitted workloads that haven't finished yet",
    priority=1,
)
_LOCAL_QUEUE_COLUMNS = (
    PrinterColumn("ClusterQueue", "string", ".spec.clusterQueue", "Backing ClusterQueue"),
    _PENDING_COLUMN,
    PrinterColumn(
        "Admitted Workloads",
        "integer",
        ".status.admittedWorkloads",
        "Number of admitted workloads that haven't finished yet.",
    ),
)
_WORKLOAD_COLUMNS = (
    PrinterColumn("Queue", "string", ".spec.queueName", "Name of the queue this workload was submitted to"),
    PrinterColumn(
        "Reserved in",
        "string",
        ".status.admission.clusterQueue",
        "Name of the ClusterQueue where the workload is reserving quota",
    ),
    PrinterColumn("Admitted", "string", ".status.conditions[?(@.type=='Admitted')].status", "Admission status"),
    PrinterColumn("Finished", "string", ".status.conditions[?(@.type=='Finished')].status", "Workload finished"),
    PrinterColumn("Age", "date", ".metadata.creationTimestamp", "Time this workload was created"),
)
_PRIORITY_VALUE_COLUMNS = (PrinterColumn("Value", "integer", ".value", "Value of workloadPriorityClass's Priority"),)


def _kueue_v1beta1(
    to_storage: Callable[[dict[str, Any]], dict[str, Any]],
    from_storage: Callable[[dict[str, Any]], dict[str, Any]],
    printer_columns: tuple[PrinterColumn, ...] = (),
) -> tuple[ServedVersion, ...]:
    return (ServedVersion("v1beta1", to_storage, from_storage, printer_columns, kueue_versions.DEPRECATION_WARNING),)


RESOURCE_FLAVORS = ResourceKind(
    key="resourceflavors",
    group=kueue_versions.KUEUE_GROUP,
    version="v1beta2",
    plural="resourceflavors",
    kind="ResourceFlavor",
    namespaced=False,
    singular="resourceflavor",
    short_names=("flavor", "flavors", "rf"),
    served_versions=_kueue_v1beta1(kueue_versions.same_to_v1beta2, kueue_versions.same_to_v1beta1),
)
CLUSTER_QUEUES = ResourceKind(
    key="clusterqueues",
    group=kueue_versions.KUEUE_GROUP,
    version="v1beta2",
    plural="clusterqueues",
    kind="ClusterQueue",
    namespaced=False,
    singular="clusterqueue",
    short_names=("cq",),
    has_status=True,
    printer_columns=(
        PrinterColumn("Cohort", "string", ".spec.cohortName", _COHORT_DESCRIPTION),
        _STRATEGY_COLUMN,
        _PENDING_COLUMN,
        _CQ_ADMITTED_COLUMN,
    ),
    served_versions=_kueue_v1beta1(
        kueue_versions.cluster_queue_to_v1beta2,
        kueue_versions.cluster_queue_to_v1beta1,
        (
            PrinterColumn("Cohort", "string", ".spec.cohort", _COHORT_DESCRIPTION),
            _STRATEGY_COLUMN,
            _PENDING_COLUMN,
            _CQ_ADMITTED_COLUMN,
        ),
    ),
)
LOCAL_QUEUES = ResourceKind(
    key="localqueues",
    group=kueue_versions.KUEUE_GROUP,
    version="v1beta2",
    plural="localqueues",
    kind="LocalQueue",
    namespaced=True,
    singular="localqueue",
    short_names=("queue", "queues", "lq"),
    has_status=True,
    printer_columns=_LOCAL_QUEUE_COLUMNS,
    served_versions=_kueue_v1beta1(
        kueue_versions.local_queue_to_v1beta2, kueue_versions.local_queue_to_v1beta1, _LOCAL_QUEUE_COLUMNS
    ),
)
WORKLOADS = ResourceKind(
    key="workloads",
    group=kueue_versions.KUEUE_GROUP,
    version="v1beta2",
    plural="workloads",
    kind="Workload",
    namespaced=True,
    singular="workload",
    short_names=("kwl", "kueueworkload", "kueueworkloads"),
    has_status=True,
    printer_columns=_WORKLOAD_COLUMNS,
    served_versions=_kueue_v1beta1(
        kueue_versions.workload_to_v1beta2, kueue_versions.workload_to_v1beta1, _WORKLOAD_COLUMNS
    ),
)
WORKLOAD_PRIORITY_CLASSES = ResourceKind(
    key="workloadpriorityclasses",
    group=kueue_versions.KUEUE_GROUP,
    version="v1beta2",
    plural="workloadpriorityclasses",
    kind="WorkloadPriorityClass",
    namespaced=False,
    singular="workloadpriorityclass",
    short_names=("wpc",),
    printer_columns=_PRIORITY_VALUE_COLUMNS,
    served_versions=_kueue_v1beta1(
        kueue_versions.same_to_v1beta2, kueue_versions.same_to_v1beta1, _PRIORITY_VALUE_COLUMNS
    ),
    extra_fields=("value", "description"),
)
KUEUE_KINDS: tuple[ResourceKind, ...] = (
    RESOURCE_FLAVORS,
    CLUSTER_QUEUES,
    LOCAL_QUEUES,
    WORKLOADS,
    WORKLOAD_PRIORITY_CLASSES,
)

# HyperPod inference operator (inference.sagemaker.aws.amazon.com, helm chart 2.2.x): its CRDs declare neither
# printer columns nor short names (kubectl shows NAME and AGE), and v1 is the storage version.
_INFERENCE_GROUP = "inference.sagemaker.aws.amazon.com"
INFERENCE_ENDPOINT_CONFIGS = ResourceKind(
    key="inferenceendpointconfigs",
    group=_INFERENCE_GROUP,
    version="v1",
    plural="inferenceendpointconfigs",
    kind="InferenceEndpointConfig",
    namespaced=True,
    singular="inferenceendpointconfig",
    has_status=True,
)
JUMPSTART_MODELS = ResourceKind(
    key="jumpstartmodels",
    group=_INFERENCE_GROUP,
    version="v1",
    plural="jumpstartmodels",
    kind="JumpStartModel",
    namespaced=True,
    singular="jumpstartmodel",
    has_status=True,
)
SAGEMAKER_ENDPOINT_REGISTRATIONS = ResourceKind(
    key="sagemakerendpointregistrations",
    group=_INFERENCE_GROUP,
    version="v1",
    plural="sagemakerendpointregistrations",
    kind="SageMakerEndpointRegistration",
    namespaced=True,
    singular="sagemakerendpointregistration",
    has_status=True,
)
INFERENCE_KINDS: tuple[ResourceKind, ...] = (
    INFERENCE_ENDPOINT_CONFIGS,
    JUMPSTART_MODELS,
    SAGEMAKER_ENDPOINT_REGISTRATIONS,
)

ALL_KINDS: tuple[ResourceKind, ...] = (
    NAMESPACES,
    NODES,
    PODS,
    EVENTS,
    HYPERPOD_PYTORCH_JOBS,
    *KUEUE_KINDS,
    WORKSPACES,
    WORKSPACE_TEMPLATES,
    *INFERENCE_KINDS,
)
BY_KEY: dict[str, ResourceKind] = {k.key: k for k in ALL_KINDS}
