"""The kubeconfig that points kubectl and the official client at the embedded cluster."""

from __future__ import annotations

from pathlib import Path

import yaml

from hyptui.settings.atomic_file import write_atomic

SIM_CONTEXT = "hyptui-sim"
SIM_TOKEN = "hyptui-sim"


def sim_kubeconfig(server_url: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "clusters": [{"name": SIM_CONTEXT, "cluster": {"server": server_url}}],
        # The embedded cluster does not authenticate; a token keeps clients that insist on credentials quiet.
        "users": [{"name": SIM_CONTEXT, "user": {"token": SIM_TOKEN}}],
        "contexts": [{"name": SIM_CONTEXT, "context": {"cluster": SIM_CONTEXT, "user": SIM_CONTEXT}}],
        "current-context": SIM_CONTEXT,
    }


def write_sim_kubeconfig(path: Path, server_url: str) -> Path:
    write_atomic(path, yaml.safe_dump(sim_kubeconfig(server_url), sort_keys=False))
    return path
