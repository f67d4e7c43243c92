"""kubectl against the embedded API server: its command line, and its output when it succeeded."""

from __future__ import annotations

import subprocess
from pathlib import Path


def kubectl_command(kubeconfig: Path, *args: str) -> list[str]:
    return ["kubectl", "--kubeconfig", str(kubeconfig), "--cache-dir", str(kubeconfig.parent / "cache"), *args]


def succeeded(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout
