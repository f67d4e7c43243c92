"""No credential from the kubeconfig or from AWS reaches a recording, even where the session shows one: a job's
environment and annotations carry them, the clusters section polls AWS with them, and the file holds none."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import yaml

from hyptui.aws.target import DEMO_REGION, AwsTarget
from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS
from hyptui.kube.target import KubeTarget
from hyptui.recording.recorder import open_recorder
from hyptui.recording.recording_file import read_recording
from hyptui.screens.clusters.list import ClustersScreen
from hyptui.screens.shell.app import HyptuiApp
from hyptui.store.actions import AwsClustersLoaded, ListLoaded, WatchEvent
from tests.job_manifests import cpu_job
from tests.screens.helpers import settle, table_keys, wait_until

BEARER = "bearer-7f3a9c1e-do-not-leak"
KEY_DATA = "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tZG8tbm90LWxlYWs="
EXEC_SECRET = "exec-env-secret-5521"
ACCESS_KEY = "AKIAREDACTIONTEST01"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/secret-do-not-leak"
SESSION_TOKEN = "FwoGZXIvYXdzEsession-token-do-not-leak"
SECRETS = (BEARER, KEY_DATA, EXEC_SECRET, ACCESS_KEY, SECRET_KEY, SESSION_TOKEN)


@pytest.fixture
def secret_kubeconfig(frozen_cluster, tmp_path: Path) -> Path:
    """The embedded cluster's kubeconfig with a bearer token, plus a second user holding a client key and an exec
    plugin's secret environment (a context `:ctx` could switch to)."""
    path = frozen_cluster.write_kubeconfig(tmp_path / "kubeconfig")
    config = yaml.safe_load(path.read_text())
    config["users"][0]["user"]["token"] = BEARER
    admin = {"client-key-data": KEY_DATA, "exec": {"command": "login", "env": [{"name": "X", "value": EXEC_SECRET}]}}
    config["users"].append({"name": "admin", "user": admin})
    config["contexts"].append({"name": "admin", "context": {"cluster": config["clusters"][0]["name"], "user": "admin"}})
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.fixture
def aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for variable in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)


def leaky_job() -> dict:
    """A job a careless user wrote: every credential in its annotations and environment."""
    job = cpu_job("leaky-job")
    job["metadata"]["annotations"] = {"note": f"submitted with {BEARER}", "aws": f"{ACCESS_KEY}:{SECRET_KEY}"}
    container = job["spec"]["replicaSpecs"][0]["template"]["spec"]["containers"][0]
    container["env"] = [{"name": f"V{i}", "value": f"x {secret} y"} for i, secret in enumerate(SECRETS)]
    return job


async def test_no_credential_reaches_the_recording(
    frozen_cluster, secret_kubeconfig: Path, aws_environment, tmp_path: Path
) -> None:
    path = tmp_path / "session.jsonl"
    target = KubeTarget(kubeconfig=secret_kubeconfig, all_namespaces=True)
    aws = AwsTarget(region=DEMO_REGION, endpoint_url=frozen_cluster.aws_url)  # credentials from the environment
    app = HyptuiApp(target, clock=frozen_cluster.clock.now, aws=aws, recorder=open_recorder(path, target, aws))
    frozen_cluster.store.create(HYPERPOD_PYTORCH_JOBS, leaky_job())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, frozen_cluster)
        assert "hyperpod-ns-team-b/leaky-job" in table_keys(app)
        await pilot.press("8")
        await wait_until(pilot, lambda: isinstance(app.screen, ClustersScreen), "the clusters section")
        await wait_until(pilot, lambda: len(table_keys(app)) == 3, "the clusters AWS lists")

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = path.read_bytes()
    assert [secret for secret in SECRETS if secret.encode() in content] == []
    actions = [action for batch in read_recording(path).batches for action in batch.actions]
    assert any(isinstance(action, AwsClustersLoaded) for action in actions)
    objects = [a.obj for a in actions if isinstance(a, WatchEvent)]
    objects += [item for a in actions if isinstance(a, ListLoaded) for item in a.items]
    leaky = next(obj for obj in objects if obj["metadata"]["name"] == "leaky-job")
    assert leaky["metadata"]["annotations"] == {"note": "<redacted>", "aws": "<redacted>"}
