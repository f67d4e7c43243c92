"""`hyptui sim`: the embedded cluster alone, for kubectl and the official client, until Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import shlex
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from hyptui.commands import arguments

if TYPE_CHECKING:
    from hyptui.sim.cluster import EmbeddedCluster
    from hyptui.sim.state_dir import StateSaver


def register(commands: argparse._SubParsersAction) -> None:
    sim = commands.add_parser("sim", help="serve the embedded cluster alone, for kubectl and the kubernetes client")
    arguments.add_embedded_cluster_options(sim)
    sim.add_argument(
        "--kubeconfig",
        dest="sim_kubeconfig",
        type=Path,
        default=Path("hyptui-sim.kubeconfig"),
        help="where to write its kubeconfig; an existing one gets context hyptui-sim merged in, as kind does "
        "(default: ./hyptui-sim.kubeconfig)",
    )
    sim.add_argument("--speed", type=arguments.speed, default=1.0, help="simulated seconds per real second")
    sim.add_argument(
        "--seed",
        dest="seed_file",
        type=Path,
        metavar="FILE",
        help="start from the objects in this YAML file (namespaces, nodes, jobs, ...) instead of the demo cluster",
    )
    sim.add_argument(
        "--state",
        dest="state_dir",
        type=Path,
        metavar="DIR",
        help="keep the cluster in DIR between runs (loaded at start when present, saved as it changes)",
    )
    sim.add_argument(
        "-v",
        "--log-requests",
        dest="log_requests",
        action="store_true",
        help="print every API request (method, path, status, milliseconds) to stderr",
    )
    sim.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from hyptui.sim.clock import SimClock
    from hyptui.sim.cluster import EmbeddedCluster
    from hyptui.sim.seed_file import SeedFileError, seed_from_file
    from hyptui.sim.state_dir import StateError, StateSaver, load_state, set_aside

    if args.log_requests:
        _log_requests_to_stderr()
    saved = None
    if args.state_dir is not None:
        try:
            saved = load_state(args.state_dir)
        except StateError as error:
            kept = set_aside(args.state_dir)
            print(f"hyptui sim: cannot load the saved cluster: {error}", file=sys.stderr)
            print(f"hyptui sim: moved it to {kept}; starting with an empty cluster", file=sys.stderr)
            saved = ({}, 0)
    # The demo cluster only when nothing else says what the cluster holds.
    demo = saved is None and args.seed_file is None
    cluster = EmbeddedCluster(
        clock=SimClock(speed=args.speed),
        port=args.port,
        populate=demo,
        plain_http=args.http,
        token_lifetime=args.token_ttl,
    )
    if saved is not None:
        cluster.store.restore(*saved)
    elif args.seed_file is not None:
        try:
            seed_from_file(cluster.store, args.seed_file)
        except SeedFileError as error:
            print(f"hyptui sim: bad seed file {args.seed_file}:", file=sys.stderr)
            for problem in error.problems:
                print(f"  {problem}", file=sys.stderr)
            return 2
    return _serve(cluster, args, StateSaver(cluster.store, args.state_dir) if args.state_dir else None)


def _serve(cluster: EmbeddedCluster, args: argparse.Namespace, saver: StateSaver | None) -> int:
    from hyptui.settings.kubeconfig_merge import KubeconfigError

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with cluster:
        try:
            kubeconfig, what_changed = _write_kubeconfig(cluster, args.sim_kubeconfig)
        except KubeconfigError as error:
            print(f"hyptui sim: {error}; it is left as it was, choose another file with --kubeconfig", file=sys.stderr)
            return 2
        if saver is not None:
            saver.start()
        print(f"hyptui embedded cluster serving on {cluster.url}")
        print(what_changed)
        print(f"try:  kubectl --kubeconfig {kubeconfig} get nodes")
        print(f"      hyptui --kubeconfig {kubeconfig}")
        print(f"or:   export KUBECONFIG={shlex.quote(str(kubeconfig))}")
        # boto3 reaches the simulated AWS APIs through its endpoint override, any credentials
        print(f"aws:  SageMaker, SageMaker Runtime, EKS, STS and CloudFormation on {cluster.aws_url} (endpoint_url)")
        print("Ctrl-C stops it.", flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            if saver is not None:
                saver.stop()
    return 0


def _write_kubeconfig(cluster: EmbeddedCluster, path: Path) -> tuple[Path, str]:
    """Write the kubeconfig, or merge into the one there; the file written and a line saying what changed."""
    from hyptui.settings.kubeconfig_merge import backup_path
    from hyptui.sim.kubeconfig import SIM_CONTEXT

    existed = path.exists()
    written = cluster.write_kubeconfig(path).resolve()
    if not existed:
        return written, f"kubeconfig written to {written}"
    return written, (
        f"kubeconfig updated: {written} (context {SIM_CONTEXT} added and made current, "
        f"its other contexts kept, the previous file saved as {backup_path(path).resolve()})"
    )


def _log_requests_to_stderr() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    requests = logging.getLogger("hyptui.sim.requests")
    requests.addHandler(handler)
    requests.setLevel(logging.DEBUG)
    requests.propagate = False
