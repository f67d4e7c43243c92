"""hyptui's one way to call AWS: boto3 clients from the AwsTarget (created on first use, one per service), every
listing through its paginator, every reply turned into small frozen values, every failure into an AwsFailure whose
message says what to do. Calls block; the UI runs them in workers."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from hyptui.aws.clusters import (
    CallerIdentity,
    ClusterDetail,
    ClusterNode,
    ClusterSummary,
    EksCluster,
    caller_identity,
    cluster_detail,
    cluster_node,
    cluster_summary,
    eks_cluster,
)
from hyptui.aws.endpoints import SageMakerEndpoint, sagemaker_endpoint
from hyptui.aws.failures import AwsFailure, calling
from hyptui.aws.governance import (
    ComputeQuota,
    PolicySpec,
    QuotaSpec,
    SchedulerConfig,
    compute_quota,
    scheduler_config,
)
from hyptui.aws.kubeconfig_update import ContextUpdate, default_kubeconfig, update_kubeconfig, user_entry
from hyptui.aws.stacks import CAPABILITIES, LIVE_STATUSES, Stack, StackEvent, stack, stack_event
from hyptui.aws.target import AwsTarget

MAX_ATTEMPTS = 5  # per call, the first included


class AwsGateway:
    def __init__(self, target: AwsTarget, context_region: str | None = None, max_attempts: int = MAX_ATTEMPTS) -> None:
        """`context_region`: the region of the current kubeconfig context's EKS cluster, used when neither the
        target, AWS_REGION nor the profile names one (hyptui.aws.region.region_of_kube_context)."""
        self._target = target
        self._max_attempts = max_attempts
        self._context_region = context_region
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    @property
    def target(self) -> AwsTarget:
        return self._target

    @property
    def region(self) -> str:
        """The region calls go to, resolved as `hyp` does; raises AwsFailure when there is none."""
        if self._target.region:
            return self._target.region
        if os.environ.get("AWS_REGION"):  # hyp reads it; botocore itself reads only AWS_DEFAULT_REGION
            return os.environ["AWS_REGION"]
        with calling("find the AWS region"):
            session = self._target.session()
        region = session.region_name or self._context_region
        if not region:
            from botocore.exceptions import NoRegionError

            with calling("find the AWS region"):
                raise NoRegionError()
        return region

    def client(self, service: str) -> Any:
        with self._lock:
            if service not in self._clients:
                self._clients[service] = self._new_client(service)
            return self._clients[service]

    def _new_client(self, service: str) -> Any:
        from botocore.config import Config

        target = self._target if self._target.region else replace(self._target, region=self.region)
        with calling(f"connect to AWS {service}"):
            # Standard mode retries throttling and transient errors with exponential backoff and jitter.
            retries = {"mode": "standard", "total_max_attempts": self._max_attempts}
            return target.client(service, Config(retries=retries, user_agent_extra="hyptui"))

    def _pages(self, service: str, operation: str, result_key: str, **params: Any) -> list[dict[str, Any]]:
        paginator = self.client(service).get_paginator(operation)
        return [item for page in paginator.paginate(**params) for item in page.get(result_key) or []]

    def caller_identity(self) -> CallerIdentity:
        """The credential check `hyp` makes before anything else."""
        with calling("check the AWS credentials"):
            return caller_identity(self.client("sts").get_caller_identity())

    def list_clusters(self) -> tuple[ClusterSummary, ...]:
        with calling(f"list HyperPod clusters in {self.region}"):
            items = self._pages("sagemaker", "list_clusters", "ClusterSummaries")
        return tuple(cluster_summary(item) for item in items)

    def describe_cluster(self, name_or_arn: str) -> ClusterDetail:
        with calling(f"describe HyperPod cluster {name_or_arn}"):
            return cluster_detail(self.client("sagemaker").describe_cluster(ClusterName=name_or_arn))

    def list_cluster_nodes(self, cluster: str) -> tuple[ClusterNode, ...]:
        with calling(f"list the nodes of HyperPod cluster {cluster}"):
            items = self._pages("sagemaker", "list_cluster_nodes", "ClusterNodeSummaries", ClusterName=cluster)
        return tuple(cluster_node(item) for item in items)

    def describe_cluster_node(self, cluster: str, instance_id: str) -> ClusterNode:
        with calling(f"describe node {instance_id} of HyperPod cluster {cluster}"):
            reply = self.client("sagemaker").describe_cluster_node(ClusterName=cluster, NodeId=instance_id)
        return cluster_node(reply["NodeDetails"])

    def eks_cluster(self, name: str) -> EksCluster:
        with calling(f"describe EKS cluster {name}"):
            return eks_cluster(self.client("eks").describe_cluster(name=name))

    def eks_cluster_of(self, cluster: ClusterDetail) -> EksCluster:
        """The EKS cluster orchestrating a HyperPod cluster, which must be EKS-orchestrated (as `hyp` requires)."""
        if not cluster.eks_cluster_arn:
            raise AwsFailure(f"HyperPod cluster {cluster.name} is not EKS-orchestrated ({cluster.orchestrator}).")
        return self.eks_cluster(cluster.eks_cluster_name)

    def set_cluster_context(
        self, cluster: str, kubeconfig: Path | None = None, *, alias: str | None = None, namespace: str | None = None
    ) -> ContextUpdate:
        """`hyp set-cluster-context` without the AWS CLI: the HyperPod cluster's EKS cluster becomes the current
        context of `kubeconfig` (default: as the AWS CLI picks it). Raises AwsFailure, or KubeconfigError when the
        kubeconfig cannot be read."""
        eks = self.eks_cluster_of(self.describe_cluster(cluster))
        path = kubeconfig or default_kubeconfig()
        user = self._target.kube_user or user_entry(eks, self._target.profile)
        return update_kubeconfig(path, eks, user, alias=alias, namespace=namespace)

    def describe_endpoint(self, name: str) -> SageMakerEndpoint:
        """SageMaker's view of an inference endpoint, as `hyp invoke` checks it before invoking."""
        with calling(f"describe SageMaker endpoint {name}"):
            return sagemaker_endpoint(self.client("sagemaker").describe_endpoint(EndpointName=name))

    # Task governance: team compute quotas and the cluster policy

    def list_compute_quotas(self, cluster_arn: str | None = None) -> tuple[ComputeQuota, ...]:
        params = {"ClusterArn": cluster_arn} if cluster_arn else {}
        with calling("list compute quotas"):
            items = self._pages("sagemaker", "list_compute_quotas", "ComputeQuotaSummaries", **params)
        return tuple(compute_quota(item) for item in items)

    def describe_compute_quota(self, quota_id: str) -> ComputeQuota:
        with calling(f"describe compute quota {quota_id}"):
            return compute_quota(self.client("sagemaker").describe_compute_quota(ComputeQuotaId=quota_id))

    def create_compute_quota(self, cluster_arn: str, name: str, spec: QuotaSpec, description: str = "") -> str:
        """Returns the new quota's id."""
        with calling(f"create the compute quota of team {spec.team}"):
            reply = self.client("sagemaker").create_compute_quota(
                Name=name,
                ClusterArn=cluster_arn,
                ComputeQuotaConfig=spec.config(),
                ComputeQuotaTarget=spec.target(),
                ActivationState=spec.activation_state,
                **({"Description": description} if description else {}),
            )
        return reply["ComputeQuotaId"]

    def update_compute_quota(self, quota: ComputeQuota, spec: QuotaSpec) -> int:
        """Sends `spec` as the next version of `quota` (SageMaker refuses it if someone changed it since); returns
        the new version. The team of a quota cannot change."""
        with calling(f"update the compute quota of team {quota.spec.team}"):
            reply = self.client("sagemaker").update_compute_quota(
                ComputeQuotaId=quota.id,
                TargetVersion=quota.version,
                ComputeQuotaConfig=spec.config(),
                ComputeQuotaTarget=replace(spec, team=quota.spec.team).target(),
                ActivationState=spec.activation_state,
            )
        return reply["ComputeQuotaVersion"]

    def delete_compute_quota(self, quota_id: str) -> None:
        with calling(f"delete compute quota {quota_id}"):
            self.client("sagemaker").delete_compute_quota(ComputeQuotaId=quota_id)

    def list_scheduler_configs(self, cluster_arn: str | None = None) -> tuple[SchedulerConfig, ...]:
        params = {"ClusterArn": cluster_arn} if cluster_arn else {}
        with calling("list cluster policies"):
            items = self._pages(
                "sagemaker", "list_cluster_scheduler_configs", "ClusterSchedulerConfigSummaries", **params
            )
        return tuple(scheduler_config(item) for item in items)

    def describe_scheduler_config(self, config_id: str) -> SchedulerConfig:
        with calling(f"describe cluster policy {config_id}"):
            reply = self.client("sagemaker").describe_cluster_scheduler_config(ClusterSchedulerConfigId=config_id)
        return scheduler_config(reply)

    def create_scheduler_config(self, cluster_arn: str, name: str, spec: PolicySpec) -> str:
        """Returns the new cluster policy's id."""
        with calling("create the cluster policy"):
            reply = self.client("sagemaker").create_cluster_scheduler_config(
                Name=name, ClusterArn=cluster_arn, SchedulerConfig=spec.config()
            )
        return reply["ClusterSchedulerConfigId"]

    def update_scheduler_config(self, config: SchedulerConfig, spec: PolicySpec) -> int:
        with calling("update the cluster policy"):
            reply = self.client("sagemaker").update_cluster_scheduler_config(
                ClusterSchedulerConfigId=config.id, TargetVersion=config.version, SchedulerConfig=spec.config()
            )
        return reply["ClusterSchedulerConfigVersion"]

    # CloudFormation: cluster stacks

    def create_stack(
        self,
        name: str,
        parameters: Mapping[str, str],
        *,
        template_url: str,
        tags: Mapping[str, str] | None = None,
    ) -> str:
        """Submits a stack as `hyp create cluster-stack` does (its capabilities); returns the stack id."""
        with calling(f"create stack {name}"):
            reply = self.client("cloudformation").create_stack(
                StackName=name,
                TemplateURL=template_url,
                Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
                Tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()],
                Capabilities=list(CAPABILITIES),
            )
        return reply["StackId"]

    def describe_stack(self, name_or_id: str) -> Stack:
        with calling(f"describe stack {name_or_id}"):
            (item,) = self.client("cloudformation").describe_stacks(StackName=name_or_id)["Stacks"]
        return stack(item)

    def list_stacks(self, statuses: tuple[str, ...] = LIVE_STATUSES) -> tuple[Stack, ...]:
        """Root and nested stacks whose status is one of `statuses` (default: all but DELETE_COMPLETE, as hyp)."""
        with calling("list CloudFormation stacks"):
            items = self._pages("cloudformation", "list_stacks", "StackSummaries", StackStatusFilter=list(statuses))
        return tuple(stack(item) for item in items)

    def nested_stacks(self, root_id: str) -> tuple[Stack, ...]:
        """The stacks under `root_id`, with their parameters and outputs."""
        with calling("list the nested stacks"):
            items = self._pages("cloudformation", "describe_stacks", "Stacks")
        return tuple(stack(item) for item in items if item.get("RootId") == root_id)

    def stack_events(self, name_or_id: str) -> tuple[StackEvent, ...]:
        """Every event of a stack, newest first."""
        with calling(f"read the events of stack {name_or_id}"):
            items = self._pages("cloudformation", "describe_stack_events", "StackEvents", StackName=name_or_id)
        return tuple(stack_event(item) for item in items)

    def delete_stack(self, name_or_id: str, retain: tuple[str, ...] = ()) -> None:
        """`retain`: logical ids of resources to keep, which CloudFormation accepts only for a DELETE_FAILED stack."""
        with calling(f"delete stack {name_or_id}"):
            self.client("cloudformation").delete_stack(
                StackName=name_or_id, **({"RetainResources": list(retain)} if retain else {})
            )
