"""The clusters section against the embedded cluster's AWS side over real HTTP: the account's three clusters (two
EKS-orchestrated, one Slurm), Enter on the live one sets its context in a temporary kubeconfig and shows its jobs,
the detail follows a node going unhealthy, a cluster stack created from the form is followed to completion (and
deleted), and every way AWS can fail is a clear message, not a crash."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import pytest
import yaml
from textual.pilot import Pilot
from textual.widgets import SelectionList

from hyptui.aws.gateway import AwsGateway
from hyptui.aws.stacks import Stack, StackEvent
from hyptui.aws.target import DEMO_REGION, AwsTarget
from hyptui.hyperpod.kinds import NODES
from hyptui.hyperpod.labels import NODE_HEALTH_LABEL, PENDING_REPLACEMENT
from hyptui.kube.target import KubeTarget
from hyptui.screens.clusters.detail import ClusterDetailScreen
from hyptui.screens.clusters.list import ClustersScreen
from hyptui.screens.clusters.stack_progress import DeleteStackModal
from hyptui.screens.jobs.list import JobsScreen
from hyptui.screens.shell.app import HyptuiApp
from hyptui.screens.widgets.resource_table import ResourceTable
from hyptui.screens.widgets.static_table import StaticTable
from hyptui.sim.cluster import EmbeddedCluster
from hyptui.sim.nodes.hyperpod_nodes import instance_id
from hyptui.store.state import StackProgress
from hyptui.views.clusters import stack_view
from tests.screens.clusters.steps import LIVE, create_stack, key_of, open_clusters, select, summary
from tests.screens.helpers import (
    cell,
    cluster_job_keys,
    make_app,
    settle,
    table_keys,
    wait_until,
    widget_text,
)

SLURM = "ml-cluster-slurm"
STACK_SECONDS = 200  # the sim's cluster stack completes in about two simulated minutes


pytestmark = pytest.mark.usefixtures("no_developer_aws")


@pytest.fixture
def gateway(frozen_cluster: EmbeddedCluster) -> Iterator[AwsGateway]:
    """The test's own view of the AWS side, to check what the app did."""
    yield AwsGateway(AwsTarget.embedded(frozen_cluster.aws_url))


def app_with_aws(cluster: EmbeddedCluster, kubeconfig: Path, aws: AwsTarget) -> HyptuiApp:
    return HyptuiApp(KubeTarget(kubeconfig=kubeconfig, all_namespaces=True), clock=cluster.clock.now, aws=aws)


def message(pilot: Pilot) -> str:
    return widget_text(pilot.app.screen.query_one("#clusters-message"))


async def test_lists_eks_and_slurm_clusters_and_opens_the_live_one_into_its_jobs(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, gateway: AwsGateway
) -> None:
    before = yaml.safe_load(kubeconfig.read_text())
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_clusters(pilot, frozen_cluster)
        rows = {cell(app, key, "name"): key for key in table_keys(app)}
        assert set(rows) == {LIVE, "ml-cluster", SLURM}
        live = rows[LIVE]
        assert cell(app, live, "orchestrator") == "EKS" and cell(app, live, "status") == "InService"
        assert cell(app, live, "instance_groups") == "4\u00d7ml.g5.12xlarge, 6\u00d7ml.t3.medium"
        assert cell(app, live, "nodes") == "10/10" and cell(app, live, "gpus") == "16"
        assert cell(app, rows[SLURM], "orchestrator") == "Slurm"
        assert cell(app, rows["ml-cluster"], "gpus") == "16"  # 2 x ml.p5.48xlarge
        assert "us-east-2" in widget_text(app.screen.query_one("#clusters-title"))

        select(pilot, SLURM)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "orchestrated by Slurm" in message(pilot), "the Slurm explanation")
        assert app.target.context is None and isinstance(app.screen, ClustersScreen)

        select(pilot, LIVE)
        await wait_until(pilot, lambda: "Slurm" not in message(pilot), "the explanation to go with the selection")
        await pilot.press("enter")
        eks_arn = gateway.describe_cluster(LIVE).eks_cluster_arn
        await wait_until(pilot, lambda: app.target.context == eks_arn, "the app to switch to the cluster's context")
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen), "its jobs")
        await wait_until(
            pilot,
            lambda: app.store.state.connection is not None and app.store.state.connection.context == eks_arn,
            "the gateway to connect through the new context",
        )
        await wait_until(pilot, lambda: set(table_keys(app)) == cluster_job_keys(frozen_cluster), "the jobs")

    written = yaml.safe_load(kubeconfig.read_text())
    assert written["current-context"] == eks_arn
    entry = next(c for c in written["clusters"] if c["name"] == eks_arn)
    assert entry["cluster"]["server"] == frozen_cluster.url
    # The sim's own context is kept, and the file as it was is kept beside it.
    assert {c["name"] for c in before["contexts"]} < {c["name"] for c in written["contexts"]}
    assert yaml.safe_load(kubeconfig.with_name("kubeconfig.hyptui-backup").read_text()) == before


async def test_detail_shows_groups_nodes_and_eks_and_follows_a_node_going_unhealthy(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path
) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_clusters(pilot, frozen_cluster)
        select(pilot, LIVE)
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ClusterDetailScreen), "the detail")
        screen = app.screen
        nodes = screen.query_one("#cluster-nodes", ResourceTable)
        names = [n["metadata"]["name"] for n in frozen_cluster.store.list(NODES)[0]]
        await wait_until(pilot, lambda: nodes.row_count == len(names), "every node")
        assert {str(key.value) for key in nodes.rows} == {instance_id(name) for name in names}
        groups = screen.query_one("#instance-groups", StaticTable)
        shown = [tuple(str(value) for value in groups.get_row_at(i)) for i in range(groups.row_count)]
        assert sorted(row[1:4] for row in shown) == [
            ("ml.g5.12xlarge", "4/4", "4"),
            ("ml.t3.medium", "6/6", "0"),
        ]
        summary = screen.query_one("#cluster-summary")
        await wait_until(pilot, lambda: "vpc-0" in widget_text(summary), "the EKS cluster's VPC")
        assert f"{LIVE}-eks" in widget_text(summary) and frozen_cluster.url in widget_text(summary)

        gpu_node = next(
            n for n in names if "nvidia.com/gpu" in frozen_cluster.store.get(NODES, None, n)["status"]["capacity"]
        )
        frozen_cluster.store.mutate(
            NODES, None, gpu_node, lambda n: n["metadata"]["labels"].__setitem__(NODE_HEALTH_LABEL, PENDING_REPLACEMENT)
        )
        await pilot.press("r")
        await wait_until(
            pilot, lambda: cell(app, instance_id(gpu_node), "status", "#cluster-nodes") == "ShuttingDown", "the node"
        )
        await pilot.press("escape")
        await wait_until(pilot, lambda: cell(app, key_of(pilot, LIVE), "nodes") == "9/10", "9 healthy of 10")


async def test_creates_a_cluster_stack_from_the_form_and_follows_it_to_completion(
    frozen_cluster: EmbeddedCluster,
    kubeconfig: Path,
    gateway: AwsGateway,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_clusters(pilot, frozen_cluster)
        progress = await create_stack(pilot, "team-cluster")
        stack = gateway.describe_stack(progress.stack_id)
        assert (
            stack.name.startswith("HyperpodClusterStack-")
            and ("HyperPodClusterName", "team-cluster") in stack.parameters
        )
        assert (tmp_path / "hyp-eks-stack" / "run").is_dir()

        tree = progress.query_one("#stack-tree", ResourceTable)
        frozen_cluster.advance(40, step=5)
        await pilot.press("r")
        await wait_until(pilot, lambda: summary(progress).startswith("CREATE_IN_PROGRESS"), "under way")
        await wait_until(pilot, lambda: tree.row_count > 8, "nested stacks and their resources")
        frozen_cluster.advance(STACK_SECONDS, step=10)
        await pilot.press("r")
        await wait_until(pilot, lambda: summary(progress).startswith("CREATE_COMPLETE"), "complete")
        labels = [cell(app, str(key.value), "resource", "#stack-tree") for key in tree.rows]
        assert any(label.endswith("HyperPodClusterStack") for label in labels)
        assert any(label.endswith("HyperPodCluster") for label in labels)
        statuses = {cell(app, str(key.value), "status", "#stack-tree") for key in tree.rows}
        assert statuses == {"CREATE_COMPLETE"}
        assert not progress.query_one("#stack-failure").display

        await pilot.press("ctrl+d")
        await wait_until(pilot, lambda: bool(app.screen.query("#retain-note")), "the delete question")
        assert isinstance(app.screen, DeleteStackModal)
        assert "only after a delete has failed" in widget_text(app.screen.query_one("#retain-note"))
        await pilot.press("y")
        await wait_until(pilot, lambda: summary(progress).startswith("DELETE_IN_PROGRESS"), "the delete under way")
        assert gateway.describe_stack(progress.stack_id).status == "DELETE_IN_PROGRESS"
        frozen_cluster.advance(2)  # the HyperPod nested stack is the first to go, its cluster gone at 3 s
        await pilot.press("escape")
        await wait_until(
            pilot, lambda: "team-cluster" in {cell(app, k, "name") for k in table_keys(app)}, "new cluster"
        )
        await wait_until(pilot, lambda: cell(app, key_of(pilot, "team-cluster"), "status") == "Deleting", "its delete")


async def test_after_a_failed_delete_the_confirmation_offers_to_retain_what_could_not_be_deleted(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path
) -> None:
    # The embedded CloudFormation never fails a delete, so the stack here is CloudFormation's words for one that did.
    now = frozen_cluster.clock.now()
    events = tuple(
        StackEvent(f"e{i}", "Main", logical, "", kind, status, "", now)
        for i, (logical, kind, status) in enumerate(
            [
                ("Main", "AWS::CloudFormation::Stack", "DELETE_FAILED"),
                ("Bucket", "AWS::S3::Bucket", "DELETE_FAILED"),
                ("Role", "AWS::IAM::Role", "DELETE_COMPLETE"),
            ]
        )
    )
    stack = Stack("Main", "id-main", "DELETE_FAILED", "", now, "")
    view = stack_view(StackProgress(stack, MappingProxyType({"id-main": events})), now)
    app = make_app(frozen_cluster, kubeconfig)
    answers: list[tuple[str, ...] | None] = []
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        app.push_screen(DeleteStackModal(view), answers.append)
        await wait_until(pilot, lambda: bool(app.screen.query("#retain")), "the question and what it can retain")
        retain = app.screen.query_one("#retain", SelectionList)
        assert [str(retain.get_option_at_index(i).prompt) for i in range(retain.option_count)] == ["Bucket"]
        retain.focus()
        await pilot.press("space")
        await pilot.press("y")
        await wait_until(pilot, lambda: answers == [("Bucket",)], "the delete, retaining the bucket")


async def test_a_failing_stack_shows_the_resource_that_failed_and_why(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_clusters(pilot, frozen_cluster)
        progress = await create_stack(pilot, "ml-cluster")  # a HyperPod cluster of that name exists
        frozen_cluster.advance(STACK_SECONDS, step=10)
        await pilot.press("r")
        await wait_until(pilot, lambda: summary(progress).startswith("ROLLBACK_COMPLETE"), "the rollback")
        failure = widget_text(progress.query_one("#stack-failure"))
        assert "HyperPodCluster: Resource handler returned message" in failure
        assert "Cluster with name ml-cluster already exists" in failure
        assert cell(app, progress.stack_id, "status", "#stack-tree") == "ROLLBACK_COMPLETE"


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (lambda c: c.aws.faults.deny("sagemaker:ListClusters"), "access denied"),
        (lambda c: c.aws.faults.expire_credentials(), "AWS credentials have expired"),
    ],
    ids=["denied", "expired"],
)
async def test_aws_refusals_are_a_clear_message(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, fault, expected: str
) -> None:
    fault(frozen_cluster)
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_clusters(pilot, frozen_cluster, count=0)
        await wait_until(pilot, lambda: expected in message(pilot), expected)
        assert "Cannot list HyperPod clusters in us-east-2" in message(pilot)
        frozen_cluster.aws.faults.clear()
        await pilot.press("r")
        await wait_until(pilot, lambda: len(table_keys(app)) == 3, "the clusters once AWS answers")
        assert message(pilot).strip() == ""


async def test_no_credentials_is_a_clear_message(frozen_cluster: EmbeddedCluster, kubeconfig: Path) -> None:
    app = app_with_aws(frozen_cluster, kubeconfig, AwsTarget(region=DEMO_REGION, endpoint_url=frozen_cluster.aws_url))
    async with app.run_test(size=(160, 40)) as pilot:
        await open_clusters(pilot, frozen_cluster, count=0)
        await wait_until(pilot, lambda: "no AWS credentials found" in message(pilot), "the credentials message")
        assert "aws configure" in message(pilot)


async def test_throttling_is_retried_then_reported(frozen_cluster: EmbeddedCluster, kubeconfig: Path) -> None:
    frozen_cluster.aws.faults.throttle(1, "sagemaker:ListClusters")
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_clusters(pilot, frozen_cluster)  # one throttled call is retried unseen
        assert message(pilot).strip() == ""
        # Fewer attempts than AWS's default, so the test does not wait out the backoff of five.
        app.aws_gateway = AwsGateway(app.aws, max_attempts=2)
        frozen_cluster.aws.faults.throttle(100, "sagemaker:ListClusters")
        await pilot.press("r")
        await wait_until(pilot, lambda: "AWS is throttling requests" in message(pilot), "the throttling message")
        assert "Showing the clusters as last read" in message(pilot) and len(table_keys(app)) == 3


async def test_a_region_without_clusters_says_so(frozen_cluster: EmbeddedCluster, kubeconfig: Path) -> None:
    aws = replace(AwsTarget.embedded(frozen_cluster.aws_url), region="us-west-2")
    app = app_with_aws(frozen_cluster, kubeconfig, aws)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_clusters(pilot, frozen_cluster, count=0)
        await wait_until(pilot, lambda: "No HyperPod clusters in us-west-2" in message(pilot), "the empty region")
        assert "--region" in message(pilot)
