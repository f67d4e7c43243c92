"""`hyptui sim`: the embedded cluster alone, for kubectl and the official client, until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path

from hyptui import cli_arguments


def register(commands: argparse._SubParsersAction) -> None:
    sim = commands.add_parser("sim", help="serve the embedded cluster alone, for kubectl and the kubernetes client")
    sim.add_argument("--port", type=cli_arguments.port, default=0, help="API server port on 127.0.0.1 (default: free)")
    sim.add_argument(
        "--kubeconfig",
        dest="sim_kubeconfig",
        type=Path,
        default=Path("hyptui-sim.kubeconfig"),
        help="where to write its kubeconfig (default: ./hyptui-sim.kubeconfig)",
    )
    sim.add_argument("--speed", type=cli_arguments.speed, default=1.0, help="simulated seconds per real second")
    sim.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from hyptui.sim.clock import SimClock
    from hyptui.sim.cluster import EmbeddedCluster

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with EmbeddedCluster(clock=SimClock(speed=args.speed), port=args.port) as cluster:
        kubeconfig = cluster.write_kubeconfig(args.sim_kubeconfig).resolve()
        print(f"hyptui embedded cluster serving on {cluster.url}")
        print(f"kubeconfig written to {kubeconfig}")
        print(f"try:  kubectl --kubeconfig {kubeconfig} get nodes")
        print(f"      hyptui --kubeconfig {kubeconfig}")
        print("Ctrl-C stops it.", flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    return 0
