"""SVG snapshots of the endpoints section, on conftest.py's seeded app, fixed port and clock;
each is paired with a behaviour test in test_endpoints_screen.py, and `steps` asserts the screen really got there."""

from __future__ import annotations

from itertools import count

from textual.pilot import Pilot
from textual.widgets import TextArea

from hyptui.hyperpod.kinds import INFERENCE_ENDPOINT_CONFIGS, JUMPSTART_MODELS
from hyptui.screens.endpoints.detail import EndpointDetailScreen
from hyptui.screens.endpoints.invoke import InvokePanel
from hyptui.sim.cluster import EmbeddedCluster
from tests.endpoint_manifests import custom_endpoint
from tests.screens.endpoints.steps import NS, key_of, open_endpoints, shows
from tests.screens.helpers import freeze_cursors, table_keys, wait_until, widget_text

SIZE = (150, 40)
DEPLOYED = key_of(INFERENCE_ENDPOINT_CONFIGS, "demo-llama")


def jumpstart_model(name: str) -> dict:
    return {
        "apiVersion": JUMPSTART_MODELS.api_version,
        "kind": JUMPSTART_MODELS.kind,
        "metadata": {"name": name, "namespace": NS},
        "spec": {
            "model": {"modelId": "huggingface-llm-qwen2-5-7b-instruct", "modelHubName": "SageMakerPublicHub"},
            "sageMakerEndpoint": {"name": name},
            "server": {"instanceType": "ml.g5.12xlarge"},
        },
    }


async def deployed_endpoints(pilot: Pilot, cluster: EmbeddedCluster) -> None:
    """One endpoint in service, a JumpStart model waiting for a whole free instance, one that cannot deploy."""
    cluster.store.create(INFERENCE_ENDPOINT_CONFIGS, custom_endpoint("demo-llama"), NS)
    cluster.advance(20 * 60, step=5)
    cluster.store.create(JUMPSTART_MODELS, jumpstart_model("qwen-chat"), NS)
    cluster.store.create(INFERENCE_ENDPOINT_CONFIGS, custom_endpoint("p5-llama", instance_type="ml.p5.48xlarge"), NS)
    cluster.advance(60, step=5)
    app = pilot.app
    await open_endpoints(pilot, cluster)
    await wait_until(pilot, lambda: len(table_keys(app)) == 3, "three endpoints")
    await wait_until(pilot, lambda: shows(app, DEPLOYED, "sagemaker", "CreationCompleted"), "the deployed endpoint")
    failed = key_of(INFERENCE_ENDPOINT_CONFIGS, "p5-llama")
    await wait_until(pilot, lambda: shows(app, failed, "deployment", "DeploymentFailed"), "the failed endpoint")
    app.screen.table.move_cursor(row=table_keys(app).index(DEPLOYED))


def test_endpoints_table_snapshot(take) -> None:
    assert take(SIZE, deployed_endpoints)


def test_endpoint_detail_snapshot(take) -> None:
    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
        await deployed_endpoints(pilot, cluster)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, EndpointDetailScreen), "the detail")
        await wait_until(pilot, lambda: len(table_keys(pilot.app, "#pods")) == 1, "the model pod")
        spec = pilot.app.screen.query_one("#spec")
        await wait_until(pilot, lambda: "TLS certificate" in widget_text(spec), "the summary")

    assert take(SIZE, steps)


def test_invoke_panel_with_a_reply_snapshot(take) -> None:
    async def steps(pilot: Pilot, cluster: EmbeddedCluster) -> None:
        await deployed_endpoints(pilot, cluster)
        readings = count()
        await pilot.app.push_screen(InvokePanel(DEPLOYED, timer=lambda: next(readings) * 0.125))  # 125 ms a call
        await pilot.press("ctrl+r")
        response = pilot.app.screen.query_one("#response", TextArea)
        await wait_until(pilot, lambda: "chat.completion" in response.text, "the reply")
        await wait_until(pilot, lambda: pilot.app.screen.query_one("#history").row_count == 1, "the history")
        for area in pilot.app.screen.query(TextArea):
            area.cursor_blink = False
        freeze_cursors(pilot)

    assert take(SIZE, steps)
