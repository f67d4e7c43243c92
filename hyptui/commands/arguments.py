"""Argument types shared by hyptui's subcommands, each rejecting bad input with the flag's name and what it allows."""

from __future__ import annotations

import argparse
import re

_AWS_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")


def port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--port must be a number from 0 to 65535, not {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"--port must be from 0 to 65535, not {value}")
    return value


def speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--speed must be a number such as 1 or 10, not {text!r}") from None
    if not 0 < value <= 1000:
        raise argparse.ArgumentTypeError(f"--speed must be above 0 and at most 1000, not {value:g}")
    return value


def aws_region(text: str) -> str:
    if not _AWS_REGION.match(text):
        raise argparse.ArgumentTypeError(f"--region must be an AWS region such as us-east-2, not {text!r}")
    return text


def token_ttl(text: str) -> int:
    """Seconds an embedded cluster accepts a token for: EKS's 900, or less to see refreshes happen."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--token-ttl must be a whole number of seconds, not {text!r}") from None
    if not 2 <= value <= 900:
        raise argparse.ArgumentTypeError(f"--token-ttl must be from 2 to 900 seconds (EKS: 900), not {value}")
    return value


def add_embedded_cluster_options(parser: argparse.ArgumentParser) -> None:
    """What `hyptui demo` and `hyptui sim` both take about how the embedded cluster is reached."""
    parser.add_argument("--port", type=port, default=0, help="API server port on 127.0.0.1 (default: free)")
    parser.add_argument(
        "--token-ttl",
        type=token_ttl,
        default=900,
        metavar="SECONDS",
        help="how long the cluster accepts an EKS token (default: 900, as EKS); shorter shows token refreshes",
    )
    parser.add_argument(
        "--http", action="store_true", help="serve plain HTTP with no authentication (for debugging with curl)"
    )
