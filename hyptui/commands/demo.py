"""`hyptui demo`: the app against the embedded cluster, started on a free 127.0.0.1 port for the occasion."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from hyptui.commands import arguments
from hyptui.commands.interface import AppLaunch
from hyptui.commands.launch import run_app
from hyptui.kube.target import KubeTarget


def register(commands: argparse._SubParsersAction) -> None:
    demo = commands.add_parser("demo", help="run hyptui against an embedded, simulated HyperPod cluster")
    demo.add_argument(
        "--speed", type=arguments.speed, help="simulated seconds per real second (default: 1, or the walkthrough's)"
    )
    demo.add_argument(
        "--walkthrough", metavar="NAME|FILE", help="run a guided walkthrough: a shipped one (talk) or a YAML file"
    )
    arguments.add_embedded_cluster_options(demo)
    demo.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from hyptui.aws.target import AwsTarget
    from hyptui.sim.clock import SimClock
    from hyptui.sim.cluster import EmbeddedCluster
    from hyptui.walkthrough.load import WalkthroughError, load_walkthrough
    from hyptui.walkthrough.stage import WalkthroughStage

    try:  # a file with mistakes is reported before anything starts
        walkthrough = load_walkthrough(args.walkthrough) if args.walkthrough else None
    except WalkthroughError as error:
        print(f"hyptui demo: walkthrough {error.source} does not load:", file=sys.stderr)
        print("\n".join(f"  {message}" for message in error.messages), file=sys.stderr)
        return 2
    speed = args.speed or (walkthrough.speed if walkthrough else None) or 1.0
    with (
        tempfile.TemporaryDirectory(prefix="hyptui-demo-") as scratch,
        EmbeddedCluster(
            clock=SimClock(speed=speed), port=args.port, plain_http=args.http, token_lifetime=args.token_ttl
        ) as cluster,
    ):
        stage = WalkthroughStage(Path(scratch) / "walkthrough", speed, walkthrough)
        kubeconfig = cluster.write_kubeconfig(Path(scratch) / "kubeconfig")
        target = KubeTarget(kubeconfig=kubeconfig, all_namespaces=not args.namespace, namespace=args.namespace)
        aws = AwsTarget.embedded(cluster.aws_url, cluster.kube_user)
        launch = AppLaunch(
            target, readonly=args.readonly, clock=cluster.clock.now, title="demo", aws=aws, walkthrough=stage
        )
        return run_app(args.ui, launch, record=args.record)
