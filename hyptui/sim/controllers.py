"""The simulated operators that run the embedded cluster, in the order each pass runs them."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Protocol

from hyptui.sim.logs import LogStore
from hyptui.sim.node_health import NodeHealthAgent
from hyptui.sim.storage import ObjectStore
from hyptui.sim.training_operator import TrainingOperator


class Controller(Protocol):
    def tick(self, now: datetime) -> None:
        """Bring what this controller owns up to `now`; level-triggered and idempotent."""

    def close(self) -> None:
        """Stop listening to the store (controllers built only to replay the seed's history)."""


def build_controllers(store: ObjectStore, logs: LogStore, rng: random.Random) -> list[Controller]:
    # The health agent goes first so a node's taint is in place before the training operator acts in the same pass.
    return [NodeHealthAgent(store, logs, rng), TrainingOperator(store, logs, rng)]
