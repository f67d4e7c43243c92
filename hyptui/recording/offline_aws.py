"""The AWS target a replay runs with: every call fails at once, the way botocore fails, so each screen says so in
its usual words and nothing leaves the machine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError

from hyptui.aws.target import AwsTarget


class ReplayIsOffline(BotoCoreError):
    fmt = "hyptui is replaying a recording and makes no AWS calls"


@dataclass(frozen=True, slots=True)
class OfflineAwsTarget(AwsTarget):
    def session(self) -> Any:
        raise ReplayIsOffline()
