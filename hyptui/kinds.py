"""The Kubernetes kinds hyptui knows: one table for the gateway (what to watch) and the embedded cluster (to serve)."""

from __future__ import annotations

from dataclasses import dataclass


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

ALL_KINDS: tuple[ResourceKind, ...] = (NAMESPACES, NODES, PODS, EVENTS, HYPERPOD_PYTORCH_JOBS)
BY_KEY: dict[str, ResourceKind] = {k.key: k for k in ALL_KINDS}
