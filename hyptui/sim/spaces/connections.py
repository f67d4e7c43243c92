"""`connection.workspace.jupyter.org/v1alpha1` WorkspaceConnection: the spaces add-on's extension API server, which
answers a create with a connection URL for a Workspace and stores nothing (`hyp create hyp-space-access`).

Follows jupyter-infra/jupyter-k8s `internal/extensionapi/serverroute_connection.go` with the AWS HyperPod access
strategy of jupyter-infra/jupyter-k8s-aws (web UI and remote access enabled):

- `web-ui`: the access strategy's `bearerAuthURLTemplate`,
  `https://<workspace>-<base32 of the namespace>.<domain>/bearer-auth`, plus `?token=<bootstrap JWT>`;
- `vscode-remote`, `kiro-remote`, `cursor-remote`: an SSM session for the workspace pod, as the AWS plugin's deep link
  `<ide>://amazonwebservices.aws-toolkit-vscode/connect/workspace?sessionId=..&sessionToken=..&streamUrl=..
  &workspaceName=..&namespace=..&eksClusterArn=..`;
- any other `<ide>-remote` falls to the strategy's `k8s-native` handler, which refuses remote connections.

The response echoes the request's metadata (no name is assigned) with a 201, as the real server does; errors are
Status bodies with the real server's messages. The web UI domain, the cluster ARN and the session/token values are the
simulator's own.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
from datetime import datetime, timedelta
from typing import Any

from hyptui.hyperpod.conditions import condition_is_true
from hyptui.hyperpod.kinds import PODS, WORKSPACE_CONNECTIONS, WORKSPACES
from hyptui.hyperpod.labels import WORKSPACE_NAME_LABEL
from hyptui.sim.apiserver.errors import ApiError
from hyptui.sim.apiserver.storage import ObjectStore
from hyptui.sim.spaces.webhook import SIMULATED_CALLER

WEB_UI = "web-ui"
WEB_UI_DOMAIN = "spaces.ml-cluster-aim371.example.com"  # chosen: the chart's `clusterWebUI.domain` is site-specific
EKS_CLUSTER_ARN = "arn:aws:eks:us-east-2:123456789012:cluster/ml-cluster-aim371"  # chosen, matches the seeded cluster
REGION = "us-east-2"
PLUGIN_REMOTE_TYPES = ("vscode-remote", "kiro-remote", "cursor-remote")  # the access strategy's handler map
TOKEN_SECONDS = 3600  # the chart's jwtExpiration

_REMOTE_TYPE = re.compile(r"^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*-remote$")


def _refused(code: int, message: str) -> ApiError:
    reason = {400: "BadRequest", 404: "NotFound", 500: "InternalError"}[code]
    return ApiError(code, reason, message)


def namespace_label(namespace: str) -> str:
    """The add-on's subdomain encoding of a namespace: lower-case base32 without padding."""
    return base64.b32encode(namespace.encode()).decode().rstrip("=").lower()


class WorkspaceConnections:
    """Registered on the store as the answer to WorkspaceConnection creates; `close()` withdraws it."""

    def __init__(self, store: ObjectStore) -> None:
        self._store = store
        self._withdraw = store.admit(WORKSPACE_CONNECTIONS, self)

    def close(self) -> None:
        self._withdraw()

    def __call__(self, request: dict[str, Any], namespace: str | None) -> dict[str, Any]:
        spec = request.get("spec") if isinstance(request.get("spec"), dict) else {}
        name, connection_type = str(spec.get("workspaceName") or ""), str(spec.get("workspaceConnectionType") or "")
        if not name:
            raise _refused(400, "workspaceName is required")
        if not connection_type:
            raise _refused(400, "workspaceConnectionType is required")
        if connection_type != WEB_UI and not _REMOTE_TYPE.match(connection_type):
            raise _refused(
                400,
                f"invalid workspaceConnectionType: '{connection_type}'. Must be 'web-ui' or follow the "
                "'{ide}-remote' pattern (e.g. 'vscode-remote', 'kiro-remote', 'cursor-remote')",
            )
        namespace = namespace or "default"
        try:
            workspace = self._store.get(WORKSPACES, namespace, name)
        except ApiError as error:
            if error.code == 404:
                raise _refused(404, "Workspace not found") from None
            raise
        if not condition_is_true(workspace, "Available"):
            raise _refused(400, "workspace is not available. Check workspace status for details")
        if connection_type == WEB_UI:
            url = self._web_ui_url(workspace)
        elif connection_type in PLUGIN_REMOTE_TYPES:
            url = self._remote_url(workspace, connection_type)
        else:
            raise _refused(
                400, f'k8s-native handler is not supported for remote connections (requested "{connection_type}")'
            )
        metadata = request.get("metadata") if isinstance(request.get("metadata"), dict) else {}
        return {
            "kind": WORKSPACE_CONNECTIONS.kind,
            "apiVersion": WORKSPACE_CONNECTIONS.api_version,
            "metadata": {**metadata, "creationTimestamp": None},
            "spec": {"workspaceName": name, "workspaceConnectionType": connection_type},
            "status": {"workspaceConnectionType": connection_type, "workspaceConnectionUrl": url},
        }

    def _random(self, workspace: dict[str, Any]) -> random.Random:
        # Fresh values per request, yet a replayed scenario hands out the same ones.
        now = self._store.clock.now()
        return random.Random(f"{workspace['metadata']['uid']}/{self._store.resource_version}/{now.isoformat()}")

    def _web_ui_url(self, workspace: dict[str, Any]) -> str:
        metadata = workspace["metadata"]
        host = f"{metadata['name']}-{namespace_label(metadata['namespace'])}.{WEB_UI_DOMAIN}"
        token = _bootstrap_token(host, self._store.clock.now(), self._random(workspace))
        return f"https://{host}/bearer-auth?token={token}"

    def _remote_url(self, workspace: dict[str, Any], connection_type: str) -> str:
        metadata = workspace["metadata"]
        pods, _ = self._store.list(
            PODS, metadata["namespace"], label_selector=f"{WORKSPACE_NAME_LABEL}={metadata['name']}"
        )
        if not pods:
            raise _refused(500, f"failed to find managed instance for pod of workspace {metadata['name']}")
        rng = self._random(workspace)
        session = f"hyptui-{rng.getrandbits(68):017x}"
        token = base64.b64encode(rng.randbytes(192)).decode()
        stream = f"wss://ssmmessages.{REGION}.amazonaws.com/v1/data-channel/{session}?role=publish_subscribe&cell-number=AAEAAQ"
        scheme = f"{connection_type.removesuffix('-remote')}://amazonwebservices.aws-toolkit-vscode/connect/workspace"
        # The plugin formats the query by hand: the values go in unescaped, streamUrl's own query included.
        return (
            f"{scheme}?sessionId={session}&sessionToken={token}&streamUrl={stream}"
            f"&workspaceName={metadata['name']}&namespace={metadata['namespace']}&eksClusterArn={EKS_CLUSTER_ARN}"
        )


def _base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _bootstrap_token(host: str, now: datetime, rng: random.Random) -> str:
    """A JWT shaped like the add-on's bootstrap token (HS384 with a key id); the signature is random bytes."""
    header = {"alg": "HS384", "kid": f"{int(now.timestamp()) // 900 * 900}", "typ": "JWT"}
    claims = {
        "iss": "jupyter-k8s-auth",
        "sub": SIMULATED_CALLER,
        "aud": ["workspace-users"],
        "exp": int((now + timedelta(seconds=TOKEN_SECONDS)).timestamp()),
        "nbf": int(now.timestamp()),
        "iat": int(now.timestamp()),
        "User": SIMULATED_CALLER,
        "Path": "/",
        "Domain": host,
        "TokenType": "bootstrap",
        "SkipRefresh": True,
    }
    signing_input = ".".join(_base64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims))
    signature = hashlib.sha384(signing_input.encode() + rng.randbytes(48)).digest()
    return f"{signing_input}.{_base64url(signature)}"
