"""The app against the embedded cluster as EKS behaves: tokens that expire, an exec plugin that fails, and an API
server replaced by a new one on the same address."""

from __future__ import annotations

import time
from pathlib import Path

import yaml

from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, NAMESPACES, PODS
from hyptui.screens.shell.connection_bar import ConnectionBar
from hyptui.screens.widgets.resource_table import ResourceTable
from hyptui.sim.clock import SimClock
from hyptui.sim.cluster import EmbeddedCluster
from hyptui.store.state import WatchPhase
from tests.fixed_clock import FIXED_START
from tests.job_manifests import cpu_job
from tests.screens.helpers import all_live, make_app, settle, table_keys, wait_until, widget_text
from tests.sim.apiserver.http_requests import pod_body

TOKEN_LIFETIME = 5
RUN_SECONDS = 30


def header(app) -> str:
    return widget_text(app.screen.query_one(ConnectionBar))


async def test_tokens_are_refreshed_before_they_expire_and_nothing_is_sent_without_one(tmp_path: Path) -> None:
    cluster = EmbeddedCluster(clock=SimClock(start=FIXED_START, speed=0), token_lifetime=TOKEN_LIFETIME)
    with cluster:
        app = make_app(cluster, cluster.write_kubeconfig(tmp_path / "kubeconfig"))
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot, cluster)
            started = time.monotonic()
            created = False
            while (elapsed := time.monotonic() - started) < RUN_SECONDS:
                # Watches end now and then (a rollout, a load balancer); each resume is a new, authenticated request.
                cluster.server.end_watches()
                if not created and elapsed > 3 * TOKEN_LIFETIME:
                    cluster.store.create(HYPERPOD_PYTORCH_JOBS, cpu_job("after-the-third-expiry"))
                    created = True
                await pilot.pause(1.0)
            key = "hyperpod-ns-team-b/after-the-third-expiry"
            await wait_until(pilot, lambda: key in table_keys(app), "the job created after the third expiry")
            assert all_live(app) and "● live" in header(app)
        counts = cluster.server.authentications
        assert counts.anonymous == 0 and counts.rejected == 0
        assert counts.authenticated > RUN_SECONDS  # every resumed watch was sent, with a valid token


async def test_a_failing_exec_plugin_is_reported_in_its_own_words_and_nothing_is_sent(tmp_path: Path) -> None:
    plugin = tmp_path / "aws"
    plugin.write_text("#!/bin/sh\necho 'Error: SSO session expired, run `aws sso login`' >&2\nexit 255\n")
    plugin.chmod(0o755)
    cluster = EmbeddedCluster(clock=SimClock(start=FIXED_START, speed=0))
    with cluster:
        kubeconfig = cluster.write_kubeconfig(tmp_path / "kubeconfig")
        config = yaml.safe_load(kubeconfig.read_text())
        config["users"][0]["user"]["exec"] |= {"command": str(plugin), "args": ["eks", "get-token"]}
        kubeconfig.write_text(yaml.safe_dump(config))
        app = make_app(cluster, kubeconfig)
        async with app.run_test(size=(160, 40)) as pilot:
            said = "exited 255: Error: SSO session expired, run `aws sso login`"
            await wait_until(pilot, lambda: said in header(app), "the plugin's message in the header")
            assert "● live" not in header(app)
            await pilot.pause(2.0)  # retries back off; none of them may go out without the token
        counts = cluster.server.authentications
        assert (counts.anonymous, counts.rejected, counts.authenticated) == (0, 0, 0)


async def test_a_replaced_api_server_is_shown_as_it_is_within_seconds_and_stale_meanwhile(tmp_path: Path) -> None:
    first = EmbeddedCluster(clock=SimClock(start=FIXED_START, speed=0)).start()
    port = int(first.url.rsplit(":", 1)[1])
    kubeconfig = first.write_kubeconfig(tmp_path / "kubeconfig")
    second: EmbeddedCluster | None = None
    app = make_app(first, kubeconfig)
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(pilot, first)
            await pilot.press("9")  # every pod
            old_pods = {f"{p['metadata']['namespace']}/{p['metadata']['name']}" for p in first.store.list(PODS)[0]}
            await wait_until(pilot, lambda: set(table_keys(app)) == old_pods, "the first cluster's pods")
            table = app.screen.query_one(ResourceTable)
            first.stop()
            await wait_until(pilot, lambda: table.has_class("-stale"), "the rows marked stale")
            assert set(table_keys(app)) == old_pods  # still there to read
            assert "● live" not in header(app) and "reconnecting since" in header(app)
            # A new control plane on the same address: empty but for one pod, its resourceVersions starting over.
            second = EmbeddedCluster(clock=SimClock(start=FIXED_START, speed=0), port=port, populate=False)
            second.store.create(NAMESPACES, {"metadata": {"name": "default"}})
            second.store.create(PODS, pod_body("lonely"), "default")
            second.start()
            returned = time.monotonic()
            await wait_until(pilot, lambda: table_keys(app) == ["default/lonely"], "the new cluster's one pod")
            await wait_until(pilot, lambda: not table.has_class("-stale") and all_live(app), "live again")
            assert time.monotonic() - returned < 5
            assert app.store.state.watches[PODS.key].phase is WatchPhase.LIVE and "● live" in header(app)
    finally:
        first.stop()
        if second is not None:
            second.stop()
