"""The endpoints section against the embedded cluster: endpoints deployed from the custom and JumpStart forms, watched
through DeploymentComplete and CreationCompleted, invoked from the invoke panel through boto3; the failure paths
(an instance type the cluster lacks, not enough GPUs, invoking too early, a body that is not JSON); delete."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from hyptui.hyp_configs.config_file import ConfigDocument
from hyptui.hyperpod.kinds import INFERENCE_ENDPOINT_CONFIGS, JUMPSTART_MODELS, PODS
from hyptui.screens.configs.form import ConfigFormScreen
from hyptui.screens.endpoints.detail import EndpointDetailScreen
from hyptui.screens.endpoints.invoke import InvokePanel
from hyptui.screens.endpoints.list import EndpointsScreen
from hyptui.screens.jobs.pod_log import PodLogScreen
from hyptui.screens.shell.app import HyptuiApp
from hyptui.screens.shell.confirm import ConfirmModal
from hyptui.sim.cluster import EmbeddedCluster
from tests.endpoint_manifests import DJL, custom_endpoint
from tests.screens.endpoints.steps import NS, key_of, open_endpoints, shows
from tests.screens.forms import choose, focus_field, form
from tests.screens.helpers import cell, make_app, table_keys, type_text, wait_until, widget_text

DEPLOY_SECONDS = 20 * 60  # model pull and load, then ~7 min for the SageMaker endpoint
STEP = 5.0


def submitted(cluster: EmbeddedCluster, name: str, **spec: object) -> str:
    """A custom endpoint created the way kubectl or `hyp create` would, outside hyptui; its row key."""
    cluster.store.create(INFERENCE_ENDPOINT_CONFIGS, custom_endpoint(name, **spec), NS)
    return key_of(INFERENCE_ENDPOINT_CONFIGS, name)


async def fill(pilot: Pilot, name: str, text: str, *, paste: bool = True) -> None:
    """Paste (or type) into a field's editor; pasting keeps the test quick (the form revalidates on every keystroke)."""
    await focus_field(pilot, name)
    if paste:
        pilot.app.post_message(events.Paste(text))  # as the terminal driver delivers a bracketed paste
    else:
        await type_text(pilot, text)
    await wait_until(pilot, lambda: form(pilot).row(name).value is not None, f"{name} typed")


async def pick(pilot: Pilot, name: str, typed: str, expected: str) -> None:
    await focus_field(pilot, name)
    await choose(pilot, name, typed, expected)


async def create_from_form(pilot: Pilot) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, ConfigFormScreen)
    await wait_until(pilot, lambda: "valid" in widget_text(screen.query_one("StatusLine")), "the form to validate")
    await pilot.press("ctrl+r")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, EndpointsScreen), "the form to close after create")


async def deploy(pilot: Pilot, cluster: EmbeddedCluster, key: str) -> None:
    """Run simulated time until the table shows the model deployed and the SageMaker endpoint in service."""
    app = pilot.app
    await wait_until(pilot, lambda: key in table_keys(app), "the new endpoint in the table")
    cluster.advance(DEPLOY_SECONDS, step=STEP)
    await wait_until(pilot, lambda: shows(app, key, "deployment", "DeploymentComplete"), "DeploymentComplete")
    await wait_until(pilot, lambda: shows(app, key, "sagemaker", "CreationCompleted"), "CreationCompleted")


async def shown(pilot: Pilot, selector: str, *texts: str) -> None:
    """Wait until the widget shows every text (a once-a-second redraw may be re-laying it out)."""
    widget = pilot.app.screen.query_one(selector)
    await wait_until(pilot, lambda: all(text in widget_text(widget) for text in texts), f"{texts} in {selector}")


def response_text(app: HyptuiApp) -> str:
    return app.screen.query_one("#response", TextArea).text


async def invoke(pilot: Pilot, key: str) -> InvokePanel:
    """`i` on the endpoint's row, then ctrl+r with the default chat completion."""
    app = pilot.app
    table = app.screen.table
    table.move_cursor(row=table_keys(app).index(key))
    await pilot.press("i")
    await wait_until(pilot, lambda: isinstance(app.screen, InvokePanel), "the invoke panel")
    panel = app.screen
    await pilot.press("ctrl+r")
    await wait_until(pilot, lambda: bool(response_text(app)), "a response")
    return panel


async def test_a_custom_endpoint_from_the_form_deploys_and_answers_a_chat_completion(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(frozen_cluster, kubeconfig)
    key = key_of(INFERENCE_ENDPOINT_CONFIGS, "demo-llama")
    async with app.run_test(size=(160, 50)) as pilot:
        await open_endpoints(pilot, frozen_cluster)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfigFormScreen), "the custom endpoint form")
        assert app.screen.spec.name == "hyp-custom-endpoint"
        await fill(pilot, "model_name", "llama3-8b", paste=False)
        await fill(pilot, "model_source_type", "s3")
        await fill(pilot, "image_uri", DJL)
        await fill(pilot, "container_port", "8080")
        await fill(pilot, "model_volume_mount_name", "model-weights")
        await fill(pilot, "endpoint_name", "demo-llama")
        await pick(pilot, "instance_type", "ml.g", "ml.g5.12xlarge")
        await fill(pilot, "s3_bucket_name", "demo-models")
        await fill(pilot, "s3_region", "us-east-2")
        await fill(pilot, "model_location", "llama3-8b")
        await fill(pilot, "resources_requests", "{'nvidia.com/gpu':1}")
        await fill(pilot, "resources_limits", "{'nvidia.com/gpu':1}")
        await create_from_form(pilot)

        created = frozen_cluster.store.get(INFERENCE_ENDPOINT_CONFIGS, NS, "demo-llama")
        assert created["spec"]["instanceType"] == "ml.g5.12xlarge"
        assert created["spec"]["modelSourceConfig"]["s3Storage"] == {"bucketName": "demo-models", "region": "us-east-2"}
        assert created["spec"]["worker"]["resources"]["limits"] == {"nvidia.com/gpu": 1}
        assert ConfigDocument.load(tmp_path / "demo-llama").values["endpoint_name"] == "demo-llama"

        await wait_until(pilot, lambda: key in table_keys(app), "the new endpoint in the table")
        assert cell(app, key, "kind") == "custom"
        assert cell(app, key, "model") == "llama3-8b"
        assert cell(app, key, "instance_type") == "ml.g5.12xlarge"
        await deploy(pilot, frozen_cluster, key)
        assert cell(app, key, "replicas") == "1/1"

        await invoke(pilot, key)
        reply = response_text(app)
        assert '"object": "chat.completion"' in reply  # pretty-printed JSON
        assert 'You asked: \\"What is Amazon SageMaker HyperPod?\\"' in reply
        assert "from llama3-8b on the simulated HyperPod endpoint demo-llama" in reply
        response = app.screen.query_one("#response", TextArea)
        assert "ok · application/json · " in str(response.border_title)
        assert str(response.border_title).endswith(" ms")
        assert len(app.store.state.invocations[key]) == 1
        assert app.store.state.invocations[key][0].ok

        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, EndpointsScreen), "back to the endpoints")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, EndpointDetailScreen), "the endpoint's detail")
        await wait_until(pilot, lambda: len(table_keys(app, "#pods")) == 1, "its model pod")
        await shown(
            pilot,
            "#spec",
            "S3 s3://demo-models/llama3-8b (us-east-2)",
            "requests nvidia.com/gpu=1",
            "demo-llama · CreationCompleted",
        )
        await shown(pilot, "#conditions", "DeploymentComplete")
        pod = table_keys(app, "#pods")[0]
        assert frozen_cluster.store.get(PODS, NS, pod)["metadata"]["labels"]["app"] == "demo-llama"
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, PodLogScreen), "the model pod's log")
        assert app.screen.pods == (pod,)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, EndpointDetailScreen), "back to the detail")
        await pilot.press("O")
        await wait_until(pilot, lambda: isinstance(app.screen, PodLogScreen), "the operator's log")
        assert app.screen.namespace == "hyperpod-inference-system"


async def test_a_jumpstart_model_from_its_form_deploys_and_answers(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(frozen_cluster, kubeconfig)
    model = "huggingface-llm-qwen2-5-7b-instruct"
    key = key_of(JUMPSTART_MODELS, "qwen-chat")
    async with app.run_test(size=(160, 50)) as pilot:
        await open_endpoints(pilot, frozen_cluster)
        await pilot.press("J")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfigFormScreen), "the JumpStart form")
        assert app.screen.spec.name == "hyp-jumpstart-endpoint"
        await fill(pilot, "model_id", model)
        await pick(pilot, "instance_type", "ml.g", "ml.g5.12xlarge")
        await fill(pilot, "endpoint_name", "qwen-chat")
        await create_from_form(pilot)

        created = frozen_cluster.store.get(JUMPSTART_MODELS, NS, "qwen-chat")
        assert created["spec"]["model"]["modelId"] == model
        assert created["spec"]["sageMakerEndpoint"] == {"name": "qwen-chat"}
        await wait_until(pilot, lambda: key in table_keys(app), "the JumpStart model in the table")
        assert cell(app, key, "kind") == "JumpStart"
        assert cell(app, key, "model") == model
        await deploy(pilot, frozen_cluster, key)

        await invoke(pilot, key)
        assert f"from {model} on the simulated HyperPod endpoint qwen-chat" in response_text(app)

        await pilot.press("escape")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, EndpointDetailScreen), "the model's detail")
        await shown(
            pilot,
            "#spec",
            f"JumpStart {model} latest (SageMakerPublicHub)",
            "djl-inference",  # the image the operator chose, read from the pod
            "requests nvidia.com/gpu=4",  # every GPU of the instance
        )


async def open_detail(pilot: Pilot, key: str) -> EndpointDetailScreen:
    app = pilot.app
    await wait_until(pilot, lambda: key in table_keys(app), f"{key} in the table")
    app.screen.table.move_cursor(row=table_keys(app).index(key))
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, EndpointDetailScreen), "the endpoint's detail")
    return app.screen


async def test_an_instance_type_the_cluster_lacks_fails_with_the_reason_shown(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path
) -> None:
    key = submitted(frozen_cluster, "p5-llama", instance_type="ml.p5.48xlarge")
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_endpoints(pilot, frozen_cluster)
        await wait_until(pilot, lambda: key in table_keys(app), "the endpoint in the table")
        frozen_cluster.advance(10, step=STEP)
        await wait_until(pilot, lambda: shows(app, key, "deployment", "DeploymentFailed"), "DeploymentFailed")
        detail = await open_detail(pilot, key)
        line = detail.query_one("#endpoint-progress")
        await wait_until(pilot, lambda: "InstanceTypeNotInCluster" in widget_text(line), "the reason")
        progress = " ".join(widget_text(line).split())
        assert "DeploymentFailed · InstanceTypeNotInCluster: Instance type ml.p5.48xlarge is not available" in progress
        assert "ml.g5.12xlarge, ml.t3.medium" in progress
    status = frozen_cluster.store.get(INFERENCE_ENDPOINT_CONFIGS, NS, "p5-llama")["status"]
    assert status["deploymentStatus"]["reason"] == "InstanceTypeNotInCluster"


async def test_not_enough_gpus_fails_at_the_deadline_with_the_schedulers_reason(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path
) -> None:
    # two replicas of a whole ml.g5.12xlarge each, on a cluster whose training jobs hold all but one
    key = submitted(frozen_cluster, "wide", gpus=4, replicas=2)
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_endpoints(pilot, frozen_cluster)
        detail = await open_detail(pilot, key)
        frozen_cluster.advance(60, step=STEP)
        progress = detail.query_one("#endpoint-progress")
        await wait_until(pilot, lambda: "Deploying the model for 60s" in widget_text(progress), "time in state")
        assert "(usually 1-5 min) · 0/2 pods ready" in widget_text(progress)
        frozen_cluster.advance(10 * 60, step=STEP)
        await wait_until(pilot, lambda: "ProgressDeadlineExceeded" in widget_text(progress), "the failure")
        text = " ".join(widget_text(progress).split())
        assert "Insufficient nvidia.com/gpu" in text
        assert progress.has_class("-failed")
        assert "DeploymentFailed" in widget_text(detail.query_one("#title"))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, EndpointsScreen), "back to the endpoints")
        assert cell(app, key, "deployment") == "DeploymentFailed"
        assert cell(app, key, "replicas") == "1/2"


async def test_invoking_too_early_or_with_broken_json_says_so_in_the_panel(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path
) -> None:
    key = submitted(frozen_cluster, "early")
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_endpoints(pilot, frozen_cluster)
        await wait_until(pilot, lambda: key in table_keys(app), "the endpoint in the table")
        panel = await invoke(pilot, key)
        banner = widget_text(panel.query_one("#invoke-state"))
        assert "is not created yet: the model is still deploying" in banner
        reply = response_text(app)
        assert reply.startswith("SageMaker endpoint early is not created yet")
        assert "SageMaker said: Endpoint early of account 123456789012 not found." in reply

        frozen_cluster.advance(9 * 60, step=STEP)  # deployed; the SageMaker endpoint is being created
        await wait_until(
            pilot, lambda: "CreationInProgress" in widget_text(panel.query_one("#invoke-state")), "Creating"
        )
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: "its status is Creating" in response_text(app), "SageMaker's answer")
        assert "is not in service yet (CreationInProgress, usually ~10 min)" in response_text(app)
        assert [item.ok for item in app.store.state.invocations[key]] == [False, False]

        editor = panel.query_one("#request-body", TextArea)
        editor.load_text('{\n  "inputs": "hi",\n  "parameters": {max_new_tokens: 8}\n}\n')
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: "not valid JSON" in response_text(app), "the JSON problem")
        assert response_text(app) == (
            "The request is not valid JSON: line 3, column 18: Expecting property name enclosed in double quotes"
        )
        assert len(app.store.state.invocations[key]) == 2  # nothing was sent

        frozen_cluster.advance(9 * 60, step=STEP)
        await wait_until(pilot, lambda: "In service" in widget_text(panel.query_one("#invoke-state")), "in service")
        panel.query_one("#content-type", Input).value = "application/json"
        editor.load_text('{"inputs": "Hello there"}')
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: '\\"Hello there\\" (2 words)' in response_text(app), "the reply")
        history = panel.query_one("#history")
        assert history.row_count == 3
        history.focus()
        history.move_cursor(row=2)  # the oldest request, from before the endpoint served
        await pilot.press("enter")
        await wait_until(pilot, lambda: "not found" in response_text(app), "the old reply")
        assert editor.text == app.store.state.invocations[key][0].request


async def test_delete_asks_first_then_removes_the_endpoint_from_the_cluster(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path
) -> None:
    key = submitted(frozen_cluster, "doomed")
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_endpoints(pilot, frozen_cluster)
        frozen_cluster.advance(STEP, step=STEP)  # the operator takes it on (and puts its finalizer on it)
        await wait_until(pilot, lambda: shows(app, key, "deployment", "DeploymentInProgress"), "the deployment")
        app.screen.table.move_cursor(row=table_keys(app).index(key))
        await pilot.press("ctrl+d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), "the question")
        assert "Delete InferenceEndpointConfig doomed in default?" in widget_text(app.screen.query_one("#question"))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, EndpointsScreen), "no")
        assert frozen_cluster.store.get(INFERENCE_ENDPOINT_CONFIGS, NS, "doomed") is not None
        await pilot.press("ctrl+d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), "the question again")
        await pilot.press("y")

        def marked() -> bool:
            return "deletionTimestamp" in frozen_cluster.store.get(INFERENCE_ENDPOINT_CONFIGS, NS, "doomed")["metadata"]

        await wait_until(pilot, marked, "the delete to reach the cluster")
        frozen_cluster.advance(1)  # the operator's finalizer holds it while its pods go
        await wait_until(pilot, lambda: shows(app, key, "deployment", "DeletionInProgress"), "DeletionInProgress")
        frozen_cluster.advance(STEP)
        await wait_until(pilot, lambda: key not in table_keys(app), "the row to go")
    assert not frozen_cluster.store.list(INFERENCE_ENDPOINT_CONFIGS, NS)[0]
