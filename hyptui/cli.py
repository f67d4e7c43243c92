"""The `hyptui` command: the app on a kubeconfig context, `hyptui demo` on the embedded cluster, `hyptui sim`."""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

from hyptui import __version__
from hyptui.kube.target import KubeTarget


def _positive_port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--port must be a number from 0 to 65535, not {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"--port must be from 0 to 65535, not {port}")
    return port


def _speed(text: str) -> float:
    try:
        speed = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--speed must be a number such as 1 or 10, not {text!r}") from None
    if not 0 < speed <= 1000:
        raise argparse.ArgumentTypeError(f"--speed must be above 0 and at most 1000, not {speed:g}")
    return speed


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hyptui", description="A keyboard-driven terminal UI for SageMaker HyperPod clusters on EKS."
    )
    parser.add_argument("--version", action="version", version=f"hyptui {__version__}")
    parser.add_argument("--kubeconfig", type=Path, help="kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)")
    parser.add_argument("--context", help="kubeconfig context (default: its current-context)")
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("-n", "--namespace", help="watch one namespace (default: the context's, else all)")
    scope.add_argument("-A", "--all-namespaces", action="store_true", help="watch every namespace")
    parser.add_argument("--readonly", action="store_true", help="hide every verb that changes the cluster")
    commands = parser.add_subparsers(dest="command", metavar="{demo,sim}")

    demo = commands.add_parser("demo", help="run hyptui against an embedded, simulated HyperPod cluster")
    demo.add_argument("--speed", type=_speed, default=1.0, help="simulated seconds per real second (default 1)")
    demo.add_argument("--port", type=_positive_port, default=0, help="API server port on 127.0.0.1 (default: free)")

    sim = commands.add_parser("sim", help="serve the embedded cluster alone, for kubectl and the kubernetes client")
    sim.add_argument("--port", type=_positive_port, default=0, help="API server port on 127.0.0.1 (default: free)")
    sim.add_argument(
        "--kubeconfig",
        dest="sim_kubeconfig",
        type=Path,
        default=Path("hyptui-sim.kubeconfig"),
        help="where to write its kubeconfig (default: ./hyptui-sim.kubeconfig)",
    )
    sim.add_argument("--speed", type=_speed, default=1.0, help="simulated seconds per real second (default 1)")
    return parser


def run_app(target: KubeTarget, *, readonly: bool, clock=None, title: str | None = None) -> int:
    # The one place the engine hands over to the UI package; nothing under hyptui/ imports Textual itself.
    app_module = importlib.import_module("hyptui.screens.app")
    return app_module.run(target, readonly=readonly, clock=clock, title=title)


def _demo(args: argparse.Namespace) -> int:
    from hyptui.sim.clock import SimClock
    from hyptui.sim.cluster import EmbeddedCluster

    with (
        tempfile.TemporaryDirectory(prefix="hyptui-demo-") as scratch,
        EmbeddedCluster(clock=SimClock(speed=args.speed), port=args.port) as cluster,
    ):
        kubeconfig = cluster.write_kubeconfig(Path(scratch) / "kubeconfig")
        target = KubeTarget(kubeconfig=kubeconfig, all_namespaces=not args.namespace, namespace=args.namespace)
        return run_app(target, readonly=args.readonly, clock=cluster.clock.now, title="demo")


def _sim(args: argparse.Namespace) -> int:
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


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        return _demo(args)
    if args.command == "sim":
        return _sim(args)
    target = KubeTarget(
        kubeconfig=args.kubeconfig, context=args.context, namespace=args.namespace, all_namespaces=args.all_namespaces
    )
    return run_app(target, readonly=args.readonly)


if __name__ == "__main__":
    sys.exit(main())
