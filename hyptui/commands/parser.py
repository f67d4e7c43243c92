"""The `hyptui` command line: the app on a kubeconfig context, plus subcommands each registered by its own module.
The entry point lives with the UI and hands `run` its `Interface`."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from hyptui import __version__
from hyptui.aws.target import AwsTarget
from hyptui.commands import arguments, configs, demo, eks_token, fault, replay, serve, sim
from hyptui.commands.interface import AppLaunch, Interface
from hyptui.commands.launch import run_app
from hyptui.kube.target import KubeTarget

# Each module's `register(commands)` adds its subparser with `set_defaults(run=...)`.
COMMAND_MODULES = (demo, sim, fault, configs, serve, replay, eks_token)


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
        type=arguments.aws_region,
        help="AWS region (default: $AWS_REGION, the profile's, then the current EKS context's)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def run(argv: Sequence[str] | None, ui: Interface) -> int:
    parser = build_parser()
    parser.set_defaults(ui=ui)  # what a command that runs the app runs it with
    args = parser.parse_args(argv)
    if hasattr(args, "run"):
        return args.run(args)
    target = KubeTarget(
        kubeconfig=args.kubeconfig, context=args.context, namespace=args.namespace, all_namespaces=args.all_namespaces
    )
    aws = AwsTarget(profile=args.profile, region=args.region)
    return run_app(args.ui, AppLaunch(target, readonly=args.readonly, aws=aws), record=args.record)
