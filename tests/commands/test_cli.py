"""The `hyptui` command as a user runs it: `sim` with the real kubectl, `demo` in a real terminal, bad arguments."""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from hyptui import __version__
from hyptui.screens.shell.main import main
from tests.commands.hyptui_process import HYPTUI

WAIT_SECONDS = 30.0


def _read_until(fd: int, needle: bytes, seen: bytearray) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while needle not in seen:
        if time.monotonic() > deadline:
            raise AssertionError(f"{needle!r} never appeared; got {bytes(seen[-2000:])!r}")
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            seen.extend(chunk)


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"hyptui {__version__}"


def test_bad_port_names_the_flag(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["sim", "--port", "http"])
    assert "--port must be a number from 0 to 65535, not 'http'" in capsys.readouterr().err


def test_sim_serves_kubectl_until_interrupted(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "sim.kubeconfig"
    process = subprocess.Popen(
        [*HYPTUI, "sim", "--kubeconfig", str(kubeconfig)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        banner = [process.stdout.readline() for _ in range(3)]
        assert f"kubeconfig written to {kubeconfig.resolve()}" in banner[1]
        assert f"kubectl --kubeconfig {kubeconfig.resolve()} get nodes" in banner[2]
        config = yaml.safe_load(kubeconfig.read_text())
        # As `aws eks update-kubeconfig` writes for EKS: HTTPS with the CA, and a user whose plugin mints EKS tokens
        cluster = config["clusters"][0]["cluster"]
        assert cluster["server"].startswith("https://127.0.0.1:") and cluster["certificate-authority-data"]
        plugin = config["users"][0]["user"]["exec"]
        assert plugin["apiVersion"] == "client.authentication.k8s.io/v1beta1"
        assert plugin["args"][:3] == ["eks-token", "--cluster-name", "ml-cluster-aim371-eks"]
        if shutil.which("kubectl") is None:
            pytest.skip("kubectl is not installed here")
        kubectl = ["kubectl", "--kubeconfig", str(kubeconfig), "--cache-dir", str(tmp_path / "cache")]
        pods = subprocess.run([*kubectl, "get", "pods", "-A", "-o", "name"], capture_output=True, text=True, timeout=60)
        assert pods.returncode == 0, pods.stderr
        assert len(pods.stdout.split()) >= 10
        nodes = subprocess.run([*kubectl, "get", "nodes", "-o", "yaml"], capture_output=True, text=True, timeout=60)
        assert nodes.returncode == 0, nodes.stderr
        node_list = yaml.safe_load(nodes.stdout)
        types = {n["metadata"]["labels"]["node.kubernetes.io/instance-type"] for n in node_list["items"]}
        assert {"ml.g5.12xlarge", "ml.t3.medium"} <= types
        jobs = subprocess.run(
            [*kubectl, "get", "hyperpodpytorchjobs", "-A", "-o", "json"], capture_output=True, text=True, timeout=60
        )
        assert jobs.returncode == 0, jobs.stderr
        assert {j["kind"] for j in json.loads(jobs.stdout)["items"]} == {"HyperPodPyTorchJob"}
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def test_demo_runs_in_a_terminal_and_quits_on_q(tmp_path: Path) -> None:
    main_fd, child_fd = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "30", "HOME": str(tmp_path)}
    process = subprocess.Popen(
        [*HYPTUI, "demo", "--speed", "5"],
        stdin=child_fd,
        stdout=child_fd,
        stderr=child_fd,
        env=env,
        close_fds=True,
    )
    os.close(child_fd)
    seen = bytearray()
    try:
        _read_until(main_fd, b"Training jobs", seen)
        _read_until(main_fd, b"live", seen)
        os.write(main_fd, b"q")
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(main_fd)


def test_sim_prints_where_boto3_reaches_its_sagemaker_runtime(tmp_path: Path) -> None:
    import boto3
    from botocore.exceptions import ClientError

    process = subprocess.Popen(
        [*HYPTUI, "sim", "--kubeconfig", str(tmp_path / "k")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = [process.stdout.readline() for _ in range(7)]
        aws = next(line for line in lines if line.startswith("aws:"))
        url = aws.split(" on ", 1)[1].split()[0]
        assert url.startswith("http://127.0.0.1:")
        runtime = boto3.client(
            "sagemaker-runtime",
            endpoint_url=url,
            region_name="us-east-2",
            aws_access_key_id="hyptui",
            aws_secret_access_key="hyptui",
        )
        with pytest.raises(ClientError) as refused:
            runtime.invoke_endpoint(EndpointName="nope", Body=b"{}", ContentType="application/json")
        assert refused.value.response["Error"]["Code"] == "ValidationError"
        assert "Endpoint nope of account" in refused.value.response["Error"]["Message"]
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
