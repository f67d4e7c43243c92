"""`hyptui eks-token`: what `aws eks get-token` prints, for kubeconfigs on machines without the AWS CLI.

kubectl runs it as an exec credential plugin and reads stdout, so stdout holds the ExecCredential and nothing else;
a failure is one line on stderr, which kubectl shows the user as it is.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from hyptui.aws.eks_token import TOKEN_LIFETIME_SECONDS, EksTokenError


def register(commands: argparse._SubParsersAction) -> None:
    token = commands.add_parser(
        "eks-token", help="print an EKS bearer token as an ExecCredential, as `aws eks get-token` does"
    )
    token.add_argument("--cluster-name", required=True, metavar="NAME", help="the EKS cluster the token is for")
    # Own dests: a subparser's default for a shared dest would overwrite `hyptui --region R eks-token ...`.
    token.add_argument(
        "--region",
        dest="token_region",
        metavar="REGION",
        help="STS region to sign for (default: hyptui's --region, $AWS_REGION, the profile's; else the global STS)",
    )
    token.add_argument(
        "--profile",
        dest="token_profile",
        metavar="PROFILE",
        help="AWS profile (default: hyptui's --profile, $AWS_PROFILE, then the default profile)",
    )
    token.add_argument(
        "--lifetime",
        default=str(TOKEN_LIFETIME_SECONDS),
        metavar="SECONDS",
        help=f"how long the API server accepts a token: 1 to {TOKEN_LIFETIME_SECONDS} s (default: EKS's)",
    )
    token.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        credential = _exec_credential(args)
    except EksTokenError as error:
        print(f"hyptui eks-token: {error}", file=sys.stderr)
        return 1
    print(json.dumps(credential, indent=4))
    return 0


def _exec_credential(args: argparse.Namespace) -> dict[str, Any]:
    import botocore.session

    from hyptui.aws.eks_token import eks_token, exec_credential, expiration

    lifetime = _lifetime(args.lifetime)
    # botocore reads only AWS_DEFAULT_REGION; AWS_REGION comes before it, as in hyptui's other AWS commands.
    region = args.token_region or args.region or os.environ.get("AWS_REGION") or None
    session = botocore.session.Session(profile=args.token_profile or args.profile)  # reads its files on first use
    token = eks_token(session, args.cluster_name, region)
    return exec_credential(token, expiration(lifetime))


def _lifetime(text: str) -> int:
    try:
        seconds = int(text)
    except ValueError:
        seconds = 0
    if not 1 <= seconds <= TOKEN_LIFETIME_SECONDS:
        raise EksTokenError(
            f"--lifetime must be a whole number of seconds from 1 to {TOKEN_LIFETIME_SECONDS}, not {text!r}"
        )
    return seconds
