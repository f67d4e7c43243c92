"""EKS (REST-JSON) on the simulated account: the EKS clusters that orchestrate its HyperPod clusters. The live one's
endpoint is the embedded Kubernetes API, so a kubeconfig written from DescribeCluster reaches it; the others name
endpoints that do not resolve, as a cluster in another network would not."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

from hyptui.sim.aws.account import SimulatedAccount
from hyptui.sim.aws.clusters import EKS, HyperPodCluster, short_id
from hyptui.sim.aws.protocols import AwsCall, AwsError, page
from hyptui.sim.inference.endpoints import ACCOUNT_ID

KUBERNETES_VERSION = "1.32"
PLATFORM_VERSION = "eks.12"
_CLUSTER_PATH = re.compile(r"^/clusters/(?P<name>[^/]+)$")


def made_up_certificate_authority(name: str) -> str:
    """For the clusters that are not the embedded one: a PEM-shaped blob as base64, as `certificateAuthority.data`
    is shaped."""
    body = base64.b64encode(("hyptui embedded cluster CA " + short_id("ca", name, length=64)).encode() * 8).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    pem = "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"
    return base64.b64encode(pem.encode()).decode()


def _certificate_authority(account: SimulatedAccount, cluster: HyperPodCluster) -> str:
    ca_pem = account.kube_ca() if cluster.live else None
    return base64.b64encode(ca_pem).decode("ascii") if ca_pem else made_up_certificate_authority(cluster.eks_name)


def _eks_clusters(account: SimulatedAccount, region: str) -> list[HyperPodCluster]:
    return [c for c in account.clusters.all(region) if c.orchestrator == EKS]


def _description(account: SimulatedAccount, cluster: HyperPodCluster) -> dict[str, Any]:
    endpoint_id = short_id("eks-endpoint", cluster.eks_name, length=32).upper()
    endpoint = account.kube_url() if cluster.live else f"https://{endpoint_id}.gr7.{cluster.region}.eks.amazonaws.com"
    return {
        "name": cluster.eks_name,
        "arn": cluster.eks_arn,
        "createdAt": cluster.created - timedelta(minutes=25),
        "version": KUBERNETES_VERSION,
        "endpoint": endpoint,
        "roleArn": f"arn:aws:iam::{ACCOUNT_ID}:role/{cluster.eks_name}-cluster-role",
        "resourcesVpcConfig": {
            "subnetIds": cluster.subnets,
            "securityGroupIds": cluster.security_groups,
            "clusterSecurityGroupId": "sg-0" + short_id("eks-sg", cluster.eks_name, length=16),
            "vpcId": cluster.vpc_id,
            "endpointPublicAccess": True,
            "endpointPrivateAccess": True,
            "publicAccessCidrs": ["0.0.0.0/0"],
        },
        "kubernetesNetworkConfig": {"serviceIpv4Cidr": "172.20.0.0/16", "ipFamily": "ipv4"},
        "identity": {
            "oidc": {"issuer": f"https://oidc.eks.{cluster.region}.amazonaws.com/id/{endpoint_id}"},
        },
        "status": "ACTIVE",
        "certificateAuthority": {"data": _certificate_authority(account, cluster)},
        "platformVersion": PLATFORM_VERSION,
        "tags": {},
        "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"},
    }


def describe_cluster(account: SimulatedAccount, call: AwsCall) -> dict[str, Any]:
    name = call.params["name"]
    cluster = next((c for c in _eks_clusters(account, call.region) if c.eks_name == name), None)
    if cluster is None:
        raise AwsError("ResourceNotFoundException", f"No cluster found for name: {name}.", 404)
    return {"cluster": _description(account, cluster)}


def list_clusters(account: SimulatedAccount, call: AwsCall) -> dict[str, Any]:
    names = sorted(c.eks_name for c in _eks_clusters(account, call.region))
    size = call.params.get("maxResults")
    found = page(names, call.params.get("nextToken"), int(size) if size else None, default=100, maximum=100)
    return {"clusters": found.items, "nextToken": found.next_token}


def route(method: str, path: str, query: dict[str, str]) -> tuple[str, dict[str, Any]] | None:
    """The EKS operation a REST request names, with its path and query parameters."""
    if method != "GET":
        return None
    if path == "/clusters":
        return "ListClusters", dict(query)
    match = _CLUSTER_PATH.match(path)
    if match:
        return "DescribeCluster", {"name": unquote(match["name"])}
    return None


OPERATIONS = {"DescribeCluster": describe_cluster, "ListClusters": list_clusters}
