"""The concrete credentials a session uses, so a recording can leave out any string containing one: the kubeconfig's
(every user in it, since `:ctx` may switch to any) and AWS's (the target's keys, the environment's, and what botocore
resolves from profiles and the rest of its chain)."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from hyptui.aws.target import DEMO_KEY, AwsTarget
from hyptui.kube.kubeconfig import KubeConfigError, current_context_name, kubeconfig_paths, read_document
from hyptui.kube.target import KubeTarget
from hyptui.sim.kubeconfig import SIM_TOKEN

logger = logging.getLogger(__name__)

# Published in hyptui's source for the embedded cluster; not secrets, and the sim's token is also its context's name.
PUBLIC_DUMMIES = frozenset({DEMO_KEY, SIM_TOKEN})
_USER_SECRETS = ("token", "password", "client-key-data", "client-certificate-data")
_AUTH_PROVIDER_SECRETS = ("id-token", "refresh-token", "access-token", "client-secret")
_AWS_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


def _documents(target: KubeTarget) -> Iterator[Mapping[str, Any]]:
    """Each file kubectl would merge, parsed; a broken one is skipped, since the gateway reports it."""
    for path in kubeconfig_paths(target.kubeconfig):
        try:
            document = read_document(path)
        except KubeConfigError:
            continue
        if document is not None:
            yield document


def kube_context(target: KubeTarget) -> str:
    """The context the app will use: --context, else the merged current-context; "" when the files are unusable."""
    if target.context:
        return target.context
    try:
        return current_context_name(kubeconfig_paths(target.kubeconfig))
    except KubeConfigError:
        return ""


def kube_credentials(target: KubeTarget) -> set[str]:
    found: set[str] = set()
    for document in _documents(target):
        for entry in document.get("users") or ():
            user = entry.get("user") if isinstance(entry, Mapping) else None
            if isinstance(user, Mapping):
                found |= _user_credentials(user)
    return {secret for secret in found if secret not in PUBLIC_DUMMIES}


def _user_credentials(user: Mapping[str, Any]) -> set[str]:
    found = {str(user[key]) for key in _USER_SECRETS if user.get(key)}
    if user.get("tokenFile"):
        with contextlib.suppress(OSError):
            found.add(Path(user["tokenFile"]).read_text().strip())
    exec_ = user.get("exec") or {}
    for variable in exec_.get("env") or ():
        if isinstance(variable, Mapping) and variable.get("value"):
            found.add(str(variable["value"]))
    config = (user.get("auth-provider") or {}).get("config") or {}
    found |= {str(config[key]) for key in _AUTH_PROVIDER_SECRETS if config.get(key)}
    return found


def aws_credentials(target: AwsTarget) -> set[str]:
    """What is known without asking botocore: the target's explicit keys and the standard environment variables."""
    found = {target.access_key or "", target.secret_key or ""}
    found |= {os.environ.get(variable, "") for variable in _AWS_VARIABLES}
    return {secret for secret in found if secret and secret not in PUBLIC_DUMMIES}


def resolved_aws_credentials(target: AwsTarget) -> set[str]:
    """The keys botocore's chain resolves (profiles, SSO cache, credential process...); may block on a metadata
    service, so call it off the UI thread."""
    try:
        credentials = target.session().get_credentials()
        frozen = credentials.get_frozen_credentials() if credentials is not None else None
    except Exception:  # no credentials is a normal state for a kube-only session
        logger.debug("no AWS credentials resolved for the recording's redaction", exc_info=True)
        return set()
    if frozen is None:
        return set()
    found = {frozen.access_key or "", frozen.secret_key or "", frozen.token or ""}
    return {secret for secret in found if secret and secret not in PUBLIC_DUMMIES}
