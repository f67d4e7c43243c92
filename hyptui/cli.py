"""The `hyptui` command: the app on a kubeconfig context, plus subcommands each registered by its own module."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from hyptui import __version__, cli_arguments
from hyptui.aws.target import AwsTarget
from hyptui.kube.target import KubeTarget

if TYPE_CHECKING:
    from hyptui.walkthrough.stage import WalkthroughStage

# Each module defines `register(commands)`, adding its subparser with `set_defaults(run=...)`.
COMMAND_MODULES: tuple[str, ...] = (
    "hyptui.demo_command",
    "hyptui.sim.command",
    "hyptui.fault_command",
    "hyptui.config.commands",
    "hyptui.serve_command",
    "hyptui.replay_command",
)


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
    parser.add_argument(
        "--record", type=Path, metavar="FILE", help="write the session to FILE for `hyptui replay` (secrets redacted)"
    )
    parser.add_argument("--profile", help="AWS profile (default: $AWS_PROFILE, then the default profile)")
    parser.add_argument(
        "--region",
        type=cli_arguments.aws_region,
        help="AWS region (default: $AWS_REGION, the profile's, then the current EKS context's)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        importlib.import_module(module).register(commands)
    return parser


def run_app(
    target: KubeTarget,
    *,
    readonly: bool,
    clock: Callable[[], datetime] | None = None,
    title: str | None = None,
    aws: AwsTarget | None = None,
    open_directory: Path | None = None,
    record: Path | None = None,
    walkthrough: WalkthroughStage | None = None,
) -> int:
    recorder = None
    if record is not None:
        from hyptui.recording.recorder import open_recorder

        try:
            recorder = open_recorder(record, target, aws or AwsTarget())
        except OSError as error:
            print(f"hyptui: --record {record}: {error.strerror or error}", file=sys.stderr)
            return 2
    # The engine hands over to the UI package here (and in replay and serve); nothing under hyptui/ imports Textual.
    app_module = importlib.import_module("hyptui.screens.app")
    return app_module.run(
        target,
        readonly=readonly,
        clock=clock,
        title=title,
        aws=aws,
        open_directory=open_directory,
        recorder=recorder,
        walkthrough=walkthrough,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if hasattr(args, "run"):
        return args.run(args)
    target = KubeTarget(
        kubeconfig=args.kubeconfig, context=args.context, namespace=args.namespace, all_namespaces=args.all_namespaces
    )
    aws = AwsTarget(profile=args.profile, region=args.region)
    return run_app(target, readonly=args.readonly, aws=aws, record=args.record)


if __name__ == "__main__":
    sys.exit(main())
