"""Whether a step's expectation holds in the app's state, read with the same view functions the screens use, and
how the narration panel words what it waits for."""

from __future__ import annotations

from datetime import UTC, datetime

from hyptui.hyperpod.job_status import job_status
from hyptui.hyperpod.kinds import (
    BY_KEY,
    HYPERPOD_PYTORCH_JOBS,
    INFERENCE_ENDPOINT_CONFIGS,
    JUMPSTART_MODELS,
    NODES,
    PODS,
    WORKSPACES,
)
from hyptui.hyperpod.labels import NODE_HEALTH_LABEL
from hyptui.store.selectors import get_object, invocation_history
from hyptui.store.state import AppState
from hyptui.views.endpoints import endpoint_key, endpoint_row, find_endpoint
from hyptui.views.events import object_events
from hyptui.views.fault_timeline import fault_timeline
from hyptui.views.queues import workload_rows
from hyptui.views.spaces import space_pod, space_status
from hyptui.walkthrough.model import (
    AbsentExpect,
    EndpointExpect,
    Expect,
    InvocationExpect,
    JobExpect,
    NodeExpect,
    SpaceExpect,
    StackExpect,
    WorkloadExpect,
)

STACK_NAME_PARAMETER = "HyperPodClusterName"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # ages do not matter to an expectation; the row views want some moment


def split_pod(pod: str) -> tuple[str, str]:
    namespace, _, name = pod.partition("/")
    return namespace, name


def node_of_pod(state: AppState, pod: str) -> str | None:
    found = get_object(state, PODS.key, split_pod(pod))
    return str((found.raw.get("spec") or {}).get("nodeName") or "") or None if found else None


def endpoint_row_key(state: AppState, namespace: str, name: str) -> str | None:
    """The endpoints section's row key of a custom endpoint or JumpStart model of that name."""
    for kind in (INFERENCE_ENDPOINT_CONFIGS, JUMPSTART_MODELS):
        key = endpoint_key(kind, namespace, name)
        if find_endpoint(state, key) is not None:
            return key
    return None


def holds(expect: Expect, state: AppState, *, faulted_node: str | None = None) -> bool:
    """`faulted_node`: the node the step's fault went to, which a NodeExpect by pod means."""
    match expect:
        case JobExpect():
            job = get_object(state, HYPERPOD_PYTORCH_JOBS.key, (expect.namespace, expect.name))
            if job is None or job_status(job.raw) != expect.status:
                return False
            if not expect.recovered:
                return True
            events = object_events(state, expect.namespace, HYPERPOD_PYTORCH_JOBS.kind, expect.name)
            return sum(1 for entry in fault_timeline(events) if entry.recovered_in) >= expect.recovered
        case NodeExpect():
            name = expect.node or faulted_node or (node_of_pod(state, expect.pod) if expect.pod else None)
            node = get_object(state, NODES.key, ("", name)) if name else None
            return node is not None and node.labels.get(NODE_HEALTH_LABEL) == expect.health
        case EndpointExpect():
            key = endpoint_row_key(state, expect.namespace, expect.name)
            found = find_endpoint(state, key) if key else None
            if found is None:
                return False
            row = endpoint_row(*found, EPOCH)
            return (expect.deployment in (None, row.deployment)) and (expect.sagemaker in (None, row.sagemaker))
        case WorkloadExpect():
            rows = workload_rows(state, EPOCH)
            return any(
                r.namespace == expect.namespace and r.job == expect.job and r.state == expect.state for r in rows
            )
        case StackExpect():
            return any(
                (STACK_NAME_PARAMETER, expect.cluster_name) in progress.stack.parameters
                and progress.stack.status == expect.status
                for progress in state.aws_stacks.values()
            )
        case SpaceExpect():
            key = (expect.namespace, expect.name)
            space = get_object(state, WORKSPACES.key, key)
            return space is not None and space_status(space.raw, space_pod(state, key)) == expect.status
        case InvocationExpect():
            key = endpoint_row_key(state, expect.namespace, expect.name)
            history = invocation_history(state, key) if key else ()
            return bool(history) and history[-1].ok
        case AbsentExpect():
            return get_object(state, BY_KEY[expect.kind].key, (expect.namespace or "", expect.name)) is None
    return False


def describe(expect: Expect) -> str:
    """What the panel says it waits for."""
    match expect:
        case JobExpect():
            recovered = f" after {expect.recovered} recovered fault{'s' * (expect.recovered != 1)}"
            return f"job {expect.namespace}/{expect.name} {expect.status}" + (recovered if expect.recovered else "")
        case NodeExpect():
            which = expect.node or f"the node of {expect.pod}"
            return f"{which} {expect.health}"
        case EndpointExpect():
            states = " · ".join(s for s in (expect.deployment, expect.sagemaker) if s)
            return f"endpoint {expect.namespace}/{expect.name} {states}"
        case WorkloadExpect():
            return f"{expect.namespace}/{expect.job} {expect.state}"
        case StackExpect():
            return f"the stack of cluster {expect.cluster_name} {expect.status}"
        case SpaceExpect():
            return f"space {expect.namespace}/{expect.name} {expect.status}"
        case InvocationExpect():
            return f"an answer from {expect.namespace}/{expect.name}"
        case AbsentExpect():
            where = f"{expect.namespace}/" if expect.namespace else ""
            return f"{BY_KEY[expect.kind].singular} {where}{expect.name} gone"
    return ""
