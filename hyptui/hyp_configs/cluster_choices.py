"""What a config form can offer from the cluster hyptui is watching: namespaces, instance types, images already in use,
and Kueue's queues and priority classes when the store holds them (None when it does not, so nothing is refused)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hyptui.hyperpod.kinds import (
    HYPERPOD_PYTORCH_JOBS,
    LOCAL_QUEUES,
    NAMESPACES,
    NODES,
    PODS,
    WORKLOAD_PRIORITY_CLASSES,
    WORKSPACE_TEMPLATES,
)
from hyptui.hyperpod.labels import INSTANCE_TYPE_LABEL
from hyptui.store.state import AppState, KubeObject

_OLDEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ClusterChoices:
    namespaces: tuple[str, ...] = ()
    instance_types: tuple[str, ...] = ()
    images: tuple[str, ...] = ()  # newest job first
    local_queues: tuple[tuple[str, str], ...] | None = None  # (namespace, name); None: not known (no Kueue)
    priority_classes: tuple[str, ...] | None = None
    workspace_templates: tuple[tuple[str, str], ...] = ()  # (namespace, name) of the spaces add-on's templates

    def queues(self, namespace: Any) -> tuple[str, ...] | None:
        """The LocalQueues a job in `namespace` can name (LocalQueues are namespaced)."""
        if self.local_queues is None:
            return None
        return tuple(name for where, name in self.local_queues if where == namespace)

    def for_field(self, name: str, namespace: Any = None) -> tuple[str, ...] | None:
        """The values a picker offers for a config.yaml field, or None when the field is typed freely."""
        if name == "queue_name":
            return self.queues(namespace)
        if name == "template_ref":  # as config.yaml writes the mapping, so a pick reads back as one
            return tuple(str({"name": name, "namespace": where}) for where, name in self.workspace_templates)
        return {
            "namespace": self.namespaces,
            "instance_type": self.instance_types,
            "priority": self.priority_classes,
        }.get(name)


def cluster_choices(state: AppState) -> ClusterChoices:
    namespaces = {obj.name for obj in _objects(state, NAMESPACES.key)}
    # a team's namespace holds its LocalQueue before it holds any job
    workloads = (HYPERPOD_PYTORCH_JOBS.key, PODS.key, LOCAL_QUEUES.key)
    namespaces |= {obj.namespace for key in workloads for obj in _objects(state, key)}
    if state.connection is not None and state.connection.namespace:
        namespaces.add(state.connection.namespace)
    instance_types = {obj.labels.get(INSTANCE_TYPE_LABEL, "") for obj in _objects(state, NODES.key)}
    return ClusterChoices(
        namespaces=tuple(sorted(n for n in namespaces if n)),
        instance_types=tuple(sorted(t for t in instance_types if t)),
        images=_images(_objects(state, HYPERPOD_PYTORCH_JOBS.key)),
        local_queues=_keys(state, LOCAL_QUEUES.key),
        priority_classes=_names(state, WORKLOAD_PRIORITY_CLASSES.key),
        workspace_templates=_keys(state, WORKSPACE_TEMPLATES.key) or (),
    )


def _objects(state: AppState, key: str) -> Iterable[KubeObject]:
    return state.collection(key).objects.values()


def _keys(state: AppState, key: str) -> tuple[tuple[str, str], ...] | None:
    if key not in state.collections:
        return None
    return tuple(sorted(obj.key for obj in _objects(state, key)))


def _names(state: AppState, key: str) -> tuple[str, ...] | None:
    if key not in state.collections:
        return None
    return tuple(sorted({obj.name for obj in _objects(state, key)}))


def _images(jobs: Iterable[KubeObject]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for job in sorted(jobs, key=lambda j: j.created or _OLDEST, reverse=True):
        for image in _job_images(job.raw):
            seen.setdefault(image, None)
    return tuple(seen)


def _job_images(raw: Mapping[str, Any]) -> Iterable[str]:
    for replica_spec in (raw.get("spec") or {}).get("replicaSpecs") or []:
        pod = ((replica_spec or {}).get("template") or {}).get("spec") or {}
        for container in pod.get("containers") or []:
            image = (container or {}).get("image")
            if isinstance(image, str) and image:
                yield image
