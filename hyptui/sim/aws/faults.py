"""Faults the embedded AWS side can be told to answer with, so the error paths of hyptui's AWS code run for real:
access denied, throttling (for the next N calls, which boto3 retries), and expired credentials.

    cluster.aws.faults.throttle(2, "sagemaker:ListClusters")   # the next two ListClusters calls are throttled
    cluster.aws.faults.deny("sagemaker:ListClusters")          # until allow()
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from hyptui.sim.inference.endpoints import ACCOUNT_ID

DENIED, THROTTLED, EXPIRED = "denied", "throttled", "expired"


@dataclass(frozen=True, slots=True)
class Fault:
    kind: str  # DENIED | THROTTLED | EXPIRED
    message: str


class AwsFaults:
    """Thread-safe: the AWS server reads it from its request threads while a test sets it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._denied: set[str] | None = set()  # None denies every action
        self._throttles: dict[str | None, int] = {}  # action (None: any) -> calls still to throttle
        self._expired = False

    def deny(self, *actions: str) -> None:
        """Refuse these actions (`service:Operation`), or every action when none is named."""
        with self._lock:
            if not actions:
                self._denied = None
            elif self._denied is not None:
                self._denied.update(actions)

    def throttle(self, times: int, action: str | None = None) -> None:
        with self._lock:
            self._throttles[action] = self._throttles.get(action, 0) + times

    def expire_credentials(self) -> None:
        with self._lock:
            self._expired = True

    def clear(self) -> None:
        with self._lock:
            self._denied = set()
            self._throttles.clear()
            self._expired = False

    def fault_for(self, action: str, caller_arn: str) -> Fault | None:
        """The fault this call meets, if any; a throttle is used up by the call it hits."""
        with self._lock:
            if self._expired:
                return Fault(EXPIRED, "The security token included in the request is expired")
            if self._denied is None or action in self._denied:
                return Fault(
                    DENIED,
                    f"User: {caller_arn} is not authorized to perform: {action} on resource: "
                    f"arn:aws:*:*:{ACCOUNT_ID}:* because no identity-based policy allows the {action} action",
                )
            for key in (action, None):
                if self._throttles.get(key, 0) > 0:
                    self._throttles[key] -= 1
                    return Fault(THROTTLED, "Rate exceeded")
        return None
