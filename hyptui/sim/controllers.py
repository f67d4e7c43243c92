"""The simulated operators that run the embedded cluster, in the order each pass runs them."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Protocol

from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.inference.operator import InferenceOperator
from hyptui.sim.kueue.scheduler import KueueScheduler
from hyptui.sim.nodes.container_logs import LogStore
from hyptui.sim.nodes.health_agent import NodeHealthAgent
from hyptui.sim.spaces.operator import SpacesOperator
from hyptui.sim.training.operator import TrainingOperator


class Controller(Protocol):
    def tick(self, now: datetime) -> None:
        """Bring what this controller owns up to `now`; level-triggered and idempotent."""

    def close(self) -> None:
        """Stop listening to the store (controllers built only to replay the seed's history)."""


def build_controllers(store: ObjectStore, logs: LogStore, rng: random.Random) -> list[Controller]:
    # The health agent goes first so a node's taint is in place before the training operator acts in the same pass;
    # Kueue goes before the training operator, which then sees a job's admission (or eviction) in the same pass.
    return [
        NodeHealthAgent(store, logs, rng),
        KueueScheduler(store),
        TrainingOperator(store, logs, rng),
        InferenceOperator(store, logs),
        SpacesOperator(store, logs),
    ]
