"""SageMaker (JSON 1.1) on the simulated account: HyperPod clusters and their nodes, and DescribeEndpoint for the
inference endpoints the HyperPod inference operator registered. Page sizes and limits are the service model's; the
default page of 10 is SageMaker's."""

from __future__ import annotations

from datetime import datetime
from operator import attrgetter
from typing import Any

from hyptui.sim.aws import governance
from hyptui.sim.aws.account import Handler, SimulatedAccount, handlers
from hyptui.sim.aws.clusters import HyperPodCluster
from hyptui.sim.aws.protocols import AwsCall, AwsError, epoch_or_none, page, validation_error
from hyptui.sim.inference.endpoints import ACCOUNT_ID, find_sagemaker_endpoint
from hyptui.sim.inference.invoke import PRODUCTION_VARIANT

DEFAULT_PAGE = 10
MAX_PAGE = 100


def _not_found(message: str) -> AwsError:
    return AwsError("ResourceNotFound", message)


def _choice(params: dict[str, Any], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = params.get(name, default)
    if value not in allowed:
        raise validation_error(
            f"1 validation error detected: Value '{value}' at '{name[0].lower() + name[1:]}' failed to satisfy "
            f"constraint: Member must satisfy enum value set: [{', '.join(allowed)}]"
        )
    return value


def _in_window(created: datetime, params: dict[str, Any], after: str, before: str) -> bool:
    low, high = epoch_or_none(params.get(after)), epoch_or_none(params.get(before))
    return (low is None or created > low) and (high is None or created < high)


def _sorted(items: list[Any], params: dict[str, Any], name_of: Any, created_of: Any) -> list[Any]:
    by = _choice(params, "SortBy", ("CREATION_TIME", "NAME"), "CREATION_TIME")
    order = _choice(params, "SortOrder", ("Ascending", "Descending"), "Descending")
    key = name_of if by == "NAME" else created_of
    return sorted(items, key=key, reverse=order == "Descending")


def cluster_of(account: SimulatedAccount, call: AwsCall) -> HyperPodCluster:
    name = call.params.get("ClusterName") or ""
    cluster = account.clusters.find(call.region, name)
    if cluster is None:
        raise _not_found(f"Cluster '{name}' not found.")
    return cluster


def list_clusters(account: SimulatedAccount, call: AwsCall) -> dict[str, Any]:
    params = call.params
    contains = params.get("NameContains") or ""
    clusters = [
        c
        for c in account.clusters.all(call.region)
        if contains in c.name and _in_window(c.created, params, "CreationTimeAfter", "CreationTimeBefore")
    ]
    ordered = _sorted(clusters, params, lambda c: c.name, lambda c: c.created)
    found = page(ordered, params.get("NextToken"), params.get("MaxResults"), default=DEFAULT_PAGE, maximum=MAX_PAGE)
    return {"ClusterSummaries": [c.summary() for c in found.items], "NextToken": found.next_token}


def describe_cluster(account: SimulatedAccount, call: AwsCall) -> dict[str, Any]:
    return cluster_of(account, call).details()


def list_cluster_nodes(account: SimulatedAccount, call: AwsCall) -> dict[str, Any]:
    params = call.params
    group = params.get("InstanceGroupNameContains") or ""
    nodes = [
        n
        for n in cluster_of(account, call).nodes
        if group in n.instance_group and _in_window(n.launch_time, params, "CreationTimeAfter", "CreationTimeBefore")
    ]
    ordered = _sorted(nodes, params, lambda n: n.instance_id, lambda n: (n.launch_time, n.instance_id))
    found = page(ordered, params.get("NextToken"), params.get("MaxResults"), default=DEFAULT_PAGE, maximum=MAX_PAGE)
    return {"ClusterNodeSummaries": [n.summary() for n in found.items], "NextToken": found.next_token}


def describe_cluster_node(account: SimulatedAccount, call: AwsCall) -> dict[str, Any]:
    cluster = cluster_of(account, call)
    node_id = call.params.get("NodeId")
    if not node_id:
        raise validation_error("Either NodeId or NodeLogicalId must be provided.")
    node = next((n for n in cluster.nodes if n.instance_id == node_id), None)
    if node is None:
        raise _not_found(f"Node '{node_id}' not found in cluster '{cluster.name}'.")
    return {"NodeDetails": node.details()}


def describe_endpoint(account: SimulatedAccount, call: AwsCall) -> dict[str, Any]:
    name = call.params.get("EndpointName") or ""
    arn = f"arn:aws:sagemaker:{call.region}:{ACCOUNT_ID}:endpoint/{name.lower()}"
    endpoint = find_sagemaker_endpoint(account.store, name)
    if endpoint is None:
        raise validation_error(f'Could not find endpoint "{arn}".')
    spec = endpoint.endpoint
    metadata = account.store.get(spec.kind, spec.namespace, spec.name)["metadata"]
    created = datetime.fromisoformat(metadata["creationTimestamp"].replace("Z", "+00:00"))
    variant = {
        "VariantName": PRODUCTION_VARIANT,
        "DeployedImages": [{"SpecifiedImage": spec.image, "ResolvedImage": spec.image}],
        "CurrentWeight": 1.0,
        "DesiredWeight": 1.0,
        "CurrentInstanceCount": endpoint.ready_replicas,
        "DesiredInstanceCount": spec.replicas,
    }
    return {
        "EndpointName": name,
        "EndpointArn": arn,
        "EndpointConfigName": f"{name}-config",
        "ProductionVariants": [variant],
        "EndpointStatus": endpoint.status,
        "CreationTime": created,
        "LastModifiedTime": created,
    }


OPERATIONS: dict[str, Handler] = {
    **handlers(attrgetter("governance"), governance.OPERATIONS),
    "ListClusters": list_clusters,
    "DescribeCluster": describe_cluster,
    "ListClusterNodes": list_cluster_nodes,
    "DescribeClusterNode": describe_cluster_node,
    "DescribeEndpoint": describe_endpoint,
}
