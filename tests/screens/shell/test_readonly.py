"""Read-only mode, counted where it matters: at the embedded cluster, which logs every request it serves (Kubernetes
and AWS alike). Every mutating verb is pressed on every section; not one mutating request may arrive."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets._footer import FooterKey

from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS
from hyptui.screens.jobs.detail import JobDetailScreen
from hyptui.screens.jobs.list import JobsScreen
from hyptui.screens.shell.app import HyptuiApp
from hyptui.screens.shell.confirm import ConfirmModal
from hyptui.sim.cluster import EmbeddedCluster
from tests.screens.helpers import app_with_config, cluster_job_keys, make_app, settle, wait_until

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class RequestCounter(logging.Handler):
    """The requests the embedded cluster served, from its request log; `mutating()`: Kubernetes writes (POST, PUT,
    PATCH, DELETE) and AWS operations other than Describe/List/Get reads."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    def mutating(self) -> list[str]:
        return [line for line in self.lines if _mutates(line)]


@pytest.fixture
def counter() -> Iterator[RequestCounter]:
    log = logging.getLogger("hyptui.sim.requests")
    handler, level = RequestCounter(), log.level
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        log.removeHandler(handler)
        log.setLevel(level)


def _mutates(line: str) -> bool:
    first, _, rest = line.partition(" ")
    if first == "AWS":
        return not rest.startswith(("Describe", "List", "Get"))
    return first not in SAFE_METHODS


async def press_every_mutating_verb(pilot: Pilot, cluster: EmbeddedCluster) -> None:
    app = pilot.app
    await pilot.press("space", "ctrl+d", "e")  # jobs: delete the marked job, edit
    await pilot.press("up", "enter")
    await wait_until(pilot, lambda: isinstance(app.screen, JobDetailScreen), "a job's detail")
    await pilot.press("ctrl+k", "ctrl+d", "y")  # kill a pod, delete the job, then its YAML
    await pilot.press("e", "ctrl+s", "escape", "escape")
    for section, keys in (
        ("2", ("F",)),  # nodes: mark unhealthy
        ("5", ("E",)),  # queues: edit governance
        ("6", ("ctrl+d",)),  # endpoints: delete
        ("7", ("s", "S", "a", "A", "ctrl+d")),  # spaces: start, stop, access URLs, delete
        ("8", ("ctrl+d",)),  # clusters
    ):
        await pilot.press(section)
        await pilot.pause(0.2)
        await pilot.press(*keys)
        await pilot.pause(0.1)
        assert not isinstance(app.screen, ConfirmModal), f"section {section} asked to confirm a change"
    namespace, name = sorted(cluster_job_keys(cluster))[0].split("/")
    app.delete_object(HYPERPOD_PYTORCH_JOBS, namespace, name)  # even a direct call sends nothing
    await pilot.pause(0.3)


async def test_readonly_sends_no_mutating_request(frozen_cluster, kubeconfig: Path, counter) -> None:
    changes: list[str] = []
    unsubscribe = frozen_cluster.store.subscribe(lambda change, kind, obj: changes.append(f"{change} {kind.key}"))
    app = make_app(frozen_cluster, kubeconfig, readonly=True)
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(pilot, frozen_cluster)
            await press_every_mutating_verb(pilot, frozen_cluster)
    finally:
        unsubscribe()
    assert counter.lines  # the app did talk to the cluster: the count below is not zero for want of logging
    assert counter.mutating() == []
    assert changes == []


async def test_the_counter_sees_a_delete_when_not_readonly(frozen_cluster, kubeconfig: Path, counter) -> None:
    app = make_app(frozen_cluster, kubeconfig)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        await pilot.press("space", "ctrl+d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), "the confirmation")
        await pilot.press("y")
        await wait_until(pilot, lambda: any(line.startswith("DELETE") for line in counter.mutating()), "the delete")


def app_with_contexts(cluster: EmbeddedCluster, kubeconfig: Path, tmp_path: Path, contexts: str) -> HyptuiApp:
    config = tmp_path / "config.yaml"
    config.write_text(f"contexts:\n{contexts}")
    return app_with_config(cluster, kubeconfig, config)


def footer_has_delete(app: HyptuiApp) -> bool:
    shown = [active.binding for active in app.screen.active_bindings.values() if active.binding.show]
    return any(binding.action == "delete" for binding in shown)


async def test_a_context_configured_readonly_is_readonly(frozen_cluster, kubeconfig: Path, tmp_path: Path, counter):
    app = app_with_contexts(frozen_cluster, kubeconfig, tmp_path, '  "hyptui-*":\n    readonly: true\n')
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        assert app.store.state.connection is not None and app.store.state.connection.readonly
        assert isinstance(app.screen, JobsScreen) and not footer_has_delete(app)
        await pilot.press("space", "ctrl+d")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ConfirmModal)
    assert counter.mutating() == []


async def test_another_context_stays_writable(frozen_cluster, kubeconfig: Path, tmp_path: Path) -> None:
    app = app_with_contexts(frozen_cluster, kubeconfig, tmp_path, '  "prod-*":\n    readonly: true\n')
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        assert not app.readonly
        await wait_until(pilot, lambda: footer_has_delete(app), "Delete back in the footer once the context is known")
        # the footer widget itself rebuilt (it skips rebuilds only while its keys stay the same)
        await wait_until(pilot, lambda: "delete" in {key.action for key in app.screen.query(FooterKey)}, "^d shown")
        await pilot.press("space", "ctrl+d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), "the confirmation")
