"""`hyptui demo`: the app against the embedded cluster, started on a free 127.0.0.1 port for the occasion."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from hyptui import cli_arguments
from hyptui.kube.target import KubeTarget


def register(commands: argparse._SubParsersAction) -> None:
    demo = commands.add_parser("demo", help="run hyptui against an embedded, simulated HyperPod cluster")
    demo.add_argument("--speed", type=cli_arguments.speed, default=1.0, help="simulated seconds per real second")
    demo.add_argument("--port", type=cli_arguments.port, default=0, help="API server port on 127.0.0.1 (default: free)")
    demo.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from hyptui.aws.target import AwsTarget
    from hyptui.cli import run_app
    from hyptui.sim.clock import SimClock
    from hyptui.sim.cluster import EmbeddedCluster

    with (
        tempfile.TemporaryDirectory(prefix="hyptui-demo-") as scratch,
        EmbeddedCluster(clock=SimClock(speed=args.speed), port=args.port) as cluster,
    ):
        kubeconfig = cluster.write_kubeconfig(Path(scratch) / "kubeconfig")
        target = KubeTarget(kubeconfig=kubeconfig, all_namespaces=not args.namespace, namespace=args.namespace)
        aws = AwsTarget.embedded(cluster.aws_url)
        return run_app(
            target, readonly=args.readonly, clock=cluster.clock.now, title="demo", aws=aws, record=args.record
        )
