"""A node fault as HyperPod's health agent reports it, so every way hyptui injects one sends the same patch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hyptui.hyperpod.labels import NODE_HEALTH_LABEL, PENDING_REBOOT, PENDING_REPLACEMENT


@dataclass(frozen=True, slots=True)
class NodeUnhealthy:
    """The label HyperPod's health agent puts on a node that failed its checks: `hyptui fault node-unhealthy`, the
    nodes screen's `F` and the walkthrough's fault all send this patch."""

    node: str
    reboot: bool = False

    @property
    def status(self) -> str:
        return PENDING_REBOOT if self.reboot else PENDING_REPLACEMENT

    @property
    def patch(self) -> dict[str, Any]:
        """The node's merge patch."""
        return {"metadata": {"labels": {NODE_HEALTH_LABEL: self.status}}}

    @property
    def done(self) -> str:
        return f"node/{self.node} labeled {NODE_HEALTH_LABEL}={self.status}"
