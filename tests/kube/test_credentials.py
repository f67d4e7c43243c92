"""The credential each request carries, with real exec plugins (small scripts) against the embedded cluster."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
import yaml

from hyptui.hyperpod.kinds import NODES
from hyptui.kube.api import ApiRequestError, KubeApi
from hyptui.kube.credentials import CredentialError, ExecCredentials, run_exec_plugin
from hyptui.kube.kubeconfig import ExecConfig
from hyptui.kube.target import KubeTarget
from hyptui.sim.clock import SimClock
from hyptui.sim.cluster import EmbeddedCluster
from tests.fixed_clock import FIXED_START

V1BETA1 = "client.authentication.k8s.io/v1beta1"


def plugin(tmp_path: Path, body: str, name: str = "plugin") -> ExecConfig:
    script = tmp_path / name
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(0o755)
    return ExecConfig(str(script), (), (), V1BETA1, None, None, False)


def credential(token: str, expires: str | None = None) -> str:
    status = {"token": token} | ({"expirationTimestamp": expires} if expires else {})
    document = {"apiVersion": V1BETA1, "kind": "ExecCredential", "status": status}
    return f"cat <<'EOF'\n{json.dumps(document)}\nEOF\n"


async def test_the_plugins_token_and_expiry_are_read(tmp_path: Path) -> None:
    token, expires = await run_exec_plugin(plugin(tmp_path, credential("abc", "2030-01-02T03:04:05Z")))
    assert token == "abc" and expires == 1893553445.0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("echo 'SSO session expired' >&2\nexit 255\n", "exec plugin plugin exited 255: SSO session expired"),
        ("echo not json\n", "exec plugin plugin printed no ExecCredential JSON: 'not json'"),
        ('echo \'{"kind": "Pod"}\'\n', "printed JSON that is not an ExecCredential"),
        (credential("abc").replace(V1BETA1, "client.authentication.k8s.io/v1"), "answered apiVersion"),
        (credential("").replace('"token": ""', '"nothing": 1'), "without status.token"),
        (credential("abc", "tomorrow"), "expirationTimestamp that is not RFC 3339: 'tomorrow'"),
    ],
)
async def test_a_plugin_that_fails_or_prints_garbage_is_an_error_in_its_words(
    tmp_path: Path, body: str, message: str
) -> None:
    with pytest.raises(CredentialError, match=message.replace("(", r"\(")):
        await run_exec_plugin(plugin(tmp_path, body))


async def test_a_missing_plugin_names_itself_and_the_install_hint(tmp_path: Path) -> None:
    config = ExecConfig("no-such-aws-cli", (), (), V1BETA1, "Install the AWS CLI", None, False)
    with pytest.raises(
        CredentialError, match=r"exec plugin no-such-aws-cli: not found on PATH \(Install the AWS CLI\)"
    ):
        await run_exec_plugin(config)


async def test_the_kubeconfigs_env_and_the_exec_info_reach_the_plugin(tmp_path: Path) -> None:
    config = plugin(
        tmp_path,
        'printf \'{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"%s"}}\' '
        '"$(echo "$KUBERNETES_EXEC_INFO" | sed -n \'s/.*"apiVersion": "\\([^"]*\\)".*/\\1/p\')" "$TEAM"\n',
    )
    config = ExecConfig(config.command, (), (("TEAM", "team-a"),), V1BETA1, None, None, False)
    assert await run_exec_plugin(config) == ("team-a", None)


async def test_an_expired_credential_runs_the_plugin_again_and_a_failure_is_not_retried_at_once(
    tmp_path: Path,
) -> None:
    runs = tmp_path / "runs"
    expired = plugin(tmp_path, f"echo run >> {runs}\n" + credential("old", "2020-01-01T00:00:00Z"))
    credentials = ExecCredentials(expired)
    assert await credentials.authorization() == "Bearer old"
    assert await credentials.authorization() == "Bearer old"
    assert credentials.runs == 2  # already expired when it arrived: every use asks again

    failing = ExecCredentials(plugin(tmp_path, f"echo run >> {runs}.failing\nexit 1\n", name="failing"))
    for _ in range(3):
        with pytest.raises(CredentialError, match="exited 1"):
            await failing.authorization()
    assert failing.runs == 1  # the failure stands until the backoff has passed


async def test_a_401_gets_one_retry_with_a_fresh_token(tmp_path: Path) -> None:
    """The first token is refused (as an expired one would be); the plugin runs again and the request goes through."""
    with EmbeddedCluster(clock=SimClock(start=FIXED_START, speed=0)) as cluster:
        kubeconfig = cluster.write_kubeconfig(tmp_path / "kubeconfig")
        config = yaml.safe_load(kubeconfig.read_text())
        real = config["users"][0]["user"]["exec"]
        env = " ".join(f"{item['name']}={shlex.quote(item['value'])}" for item in real["env"])
        command = " ".join(shlex.quote(part) for part in [real["command"], *real["args"]])
        first_run = tmp_path / "ran-once"
        script = plugin(
            tmp_path,
            f"if [ ! -e {first_run} ]; then touch {first_run}; {credential('forged')}else env {env} {command}; fi\n",
            name="flaky-plugin",
        )
        real |= {"command": script.command, "args": [], "env": None}
        kubeconfig.write_text(yaml.safe_dump(config))
        api = await KubeApi.connect(KubeTarget(kubeconfig=kubeconfig))
        try:
            nodes = await api.get_json(NODES.collection_path(None))
        finally:
            await api.close()
        assert len(nodes["items"]) == 10
        counts = cluster.server.authentications
        assert (counts.rejected, counts.authenticated, counts.anonymous) == (1, 1, 0)


async def test_without_a_valid_token_the_401_is_reported(tmp_path: Path) -> None:
    with EmbeddedCluster(clock=SimClock(start=FIXED_START, speed=0)) as cluster:
        kubeconfig = cluster.write_kubeconfig(tmp_path / "kubeconfig")
        config = yaml.safe_load(kubeconfig.read_text())
        config["users"][0]["user"] = {"token": "not-an-eks-token"}
        kubeconfig.write_text(yaml.safe_dump(config))
        api = await KubeApi.connect(KubeTarget(kubeconfig=kubeconfig))
        try:
            with pytest.raises(ApiRequestError, match="401 Unauthorized"):
                await api.get_json(NODES.collection_path(None))
        finally:
            await api.close()
        assert cluster.server.authentications.rejected == 1  # a static token cannot change: no retry
