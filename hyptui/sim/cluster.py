"""The embedded HyperPod cluster: one API server and the controllers that play the operators, over one object store."""

from __future__ import annotations

import logging
import random
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from hyptui.aws.eks_token import TOKEN_LIFETIME_SECONDS
from hyptui.sim.apiserver.authentication import TokenAuthenticator
from hyptui.sim.apiserver.certificates import ClusterAuthority, authority_directory
from hyptui.sim.apiserver.server import ApiServer
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.aws.clusters import live_cluster
from hyptui.sim.aws.server import AwsServer
from hyptui.sim.clock import SimClock
from hyptui.sim.controllers import build_controllers
from hyptui.sim.kubeconfig import SIM_ACCESS_KEY, SIM_SECRET_KEY, plain_user, token_user, write_sim_kubeconfig
from hyptui.sim.nodes.container_logs import LogStore
from hyptui.sim.seed import seed_cluster

log = logging.getLogger(__name__)

TICK_SECONDS = 0.25  # real seconds between controller passes when the clock runs by itself


class EmbeddedCluster:
    """`start()` serves it on 127.0.0.1; with a running clock a background thread drives the controllers, with a
    frozen clock (`speed=0`, for tests and snapshots) `advance()` does, deterministically.

    Like EKS it serves HTTPS (a CA kept per user, so a restart on the same port stays trusted) and accepts only EKS
    tokens signed by its account, each for `token_lifetime` seconds; `plain_http` serves neither, for debugging."""

    def __init__(
        self,
        *,
        clock: SimClock | None = None,
        seed: int = 7,
        port: int = 0,
        populate: bool = True,
        plain_http: bool = False,
        token_lifetime: int = TOKEN_LIFETIME_SECONDS,
    ) -> None:
        self.clock = clock or SimClock()
        self.store = ObjectStore(self.clock)
        self.logs = LogStore()
        rng = random.Random(seed)
        self.controllers = build_controllers(self.store, self.logs, rng)
        if populate:
            seed_cluster(self.store, self.logs, self.clock, rng)
        self._token_lifetime = token_lifetime
        self._kube_user: dict[str, Any] = plain_user()  # a token user once start() knows the cluster's name
        self._authority = None if plain_http else ClusterAuthority.load_or_create(authority_directory())
        tls = self._authority.server_context() if self._authority else None
        self.server = ApiServer(self.store, self.logs, port=port, tls=tls)
        # The AWS APIs (SageMaker, EKS, STS, CloudFormation), on their own loopback port; EKS names the API server.
        self.aws = AwsServer(self.store, kube_url=lambda: self.server.url, kube_ca=lambda: self.ca_pem)
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        self._tick_lock = threading.Lock()

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def aws_url(self) -> str:
        """Where boto3 reaches the simulated AWS APIs: pass it as `endpoint_url` (any credentials will do)."""
        return self.aws.url

    @property
    def ca_pem(self) -> bytes | None:
        """The CA its API server's certificate is signed by; None when it serves plain HTTP."""
        return self._authority.ca_pem if self._authority else None

    def start(self) -> EmbeddedCluster:
        self.tick()
        if self._authority is not None:
            # After seeding or restoring, the nodes name the cluster, and so the EKS cluster tokens are minted for:
            # the server checks that name and the kubeconfig's plugin asks for it, decided once here.
            eks = live_cluster(self.store, self.clock.now())
            lifetime = None if self._token_lifetime == TOKEN_LIFETIME_SECONDS else self._token_lifetime
            self._kube_user = token_user(authority_directory(), eks.eks_name, eks.region, lifetime)
            self.server.authenticator = TokenAuthenticator(
                eks.eks_name, {SIM_ACCESS_KEY: SIM_SECRET_KEY}, self._token_lifetime
            )
        self.server.start()
        self.aws.start()
        if self.clock.speed > 0:
            self._ticker = threading.Thread(target=self._run_ticker, name="hyptui-sim-controllers", daemon=True)
            self._ticker.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=2)
        self.aws.stop()
        self.server.stop()

    def tick(self, now: datetime | None = None) -> None:
        with self._tick_lock:
            moment = now or self.clock.now()
            for controller in self.controllers:
                controller.tick(moment)

    def advance(self, seconds: float, step: float = 1.0) -> None:
        """Move a frozen clock forward, letting the controllers act at every step as they would in real time."""
        remaining = seconds
        while remaining > 0:
            delta = min(step, remaining)
            self.clock.advance(delta)
            self.tick()
            remaining -= delta

    @property
    def kube_user(self) -> dict[str, Any]:
        """The kubeconfig user entry that authenticates to it (known once it has started)."""
        return self._kube_user

    def write_kubeconfig(self, path: Path) -> Path:
        return write_sim_kubeconfig(path, self.url, self.kube_user, self.ca_pem)

    def _run_ticker(self) -> None:
        last_failure = ""
        while not self._stop.wait(TICK_SECONDS):
            try:
                self.tick()
            except Exception as error:  # a controller bug must not freeze the whole cluster; logged once, retried
                if repr(error) != last_failure:
                    log.exception("controller tick failed")
                last_failure = repr(error)
            else:
                last_failure = ""

    def __enter__(self) -> EmbeddedCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
