"""The credential every request carries, as the kubeconfig's user asks for it: a token, a token file, a password, or
an exec plugin (`aws eks get-token`, `hyptui eks-token`) re-run before its credential expires and after a 401.

A credential that cannot be had is an error naming why (the plugin's exit code and its own words): a request is never
sent without it, and a failing plugin is not re-run faster than the backoff allows.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from hyptui.hyperpod.age import parse_time
from hyptui.kube.kubeconfig import ExecConfig, UserAuth

EXEC_TIMEOUT_SECONDS = 60.0  # `aws eks get-token` answers in about a second; one waiting on a prompt never will
STDERR_SHOWN = 400  # characters of a failing plugin's stderr worth putting on screen
RETRY_FIRST_SECONDS = 1.0
RETRY_CAP_SECONDS = 30.0


class CredentialError(Exception):
    """The kubeconfig's user cannot produce a credential right now; the message says why, in the plugin's words."""


class Credentials:
    """What the client asks before each request and after each 401; the static kinds never change."""

    async def authorization(self) -> str | None:
        """The `Authorization` header value, or None when the kubeconfig's user asks for none (client certificates)."""
        return None

    def rejected(self, authorization: str | None) -> bool:
        """The server answered 401 to `authorization`: forget it so the next request gets a fresh one. True when a
        fresh one may differ (worth one retry)."""
        return False


@dataclass(frozen=True, slots=True)
class StaticCredentials(Credentials):
    header: str | None

    async def authorization(self) -> str | None:
        return self.header


class TokenFileCredentials(Credentials):
    """A token file is re-read when the server rejects it: projected service-account tokens rotate under us."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._header: str | None = None

    async def authorization(self) -> str | None:
        if self._header is None:
            try:
                token = (await asyncio.to_thread(self._path.read_text, encoding="utf-8")).strip()
            except (OSError, UnicodeDecodeError) as error:
                raise CredentialError(f"cannot read the kubeconfig's tokenFile {self._path}: {error}") from None
            if not token:
                raise CredentialError(f"the kubeconfig's tokenFile {self._path} is empty")
            self._header = f"Bearer {token}"
        return self._header

    def rejected(self, authorization: str | None) -> bool:
        if authorization == self._header:
            self._header = None
        return True


class ExecCredentials(Credentials):
    def __init__(self, config: ExecConfig) -> None:
        self._config = config
        self._lock = asyncio.Lock()
        self._header: str | None = None
        self._expires: float | None = None  # epoch seconds; None: good until the server says otherwise
        self._failure: CredentialError | None = None
        self._retry_at = 0.0
        self._retry_delay = RETRY_FIRST_SECONDS
        self.runs = 0  # how often the plugin ran: the backoff's effect, as tests check it

    async def authorization(self) -> str | None:
        async with self._lock:  # concurrent requests share one plugin run
            if self._header is not None and (self._expires is None or time.time() < self._expires):
                return self._header
            if self._failure is not None and time.time() < self._retry_at:
                raise self._failure
            self.runs += 1
            try:
                token, expires = await run_exec_plugin(self._config)
            except CredentialError as error:
                self._header = None
                self._failure = error
                self._retry_at = time.time() + self._retry_delay
                self._retry_delay = min(RETRY_CAP_SECONDS, self._retry_delay * 2)
                raise
            self._failure = None
            self._retry_delay = RETRY_FIRST_SECONDS
            self._header = f"Bearer {token}"
            self._expires = expires
            return self._header

    def rejected(self, authorization: str | None) -> bool:
        if authorization is not None and authorization == self._header:
            self._header = None
        return True


def credentials_for(auth: UserAuth) -> Credentials:
    if auth.exec is not None:
        return ExecCredentials(auth.exec)
    if auth.token:
        return StaticCredentials(f"Bearer {auth.token}")
    if auth.token_file is not None:
        return TokenFileCredentials(auth.token_file)
    if auth.username is not None and auth.password is not None:
        pair = f"{auth.username}:{auth.password}".encode()
        return StaticCredentials("Basic " + base64.b64encode(pair).decode("ascii"))
    return StaticCredentials(None)


async def run_exec_plugin(config: ExecConfig) -> tuple[str, float | None]:
    """Run the plugin as kubectl does (its env on top of ours, KUBERNETES_EXEC_INFO, no terminal) and read its
    ExecCredential: (token, expiry as epoch seconds or None)."""
    name = Path(config.command).name  # `aws`, not the path it was found at: the header has room for the words
    info = {"apiVersion": config.api_version, "kind": "ExecCredential", "spec": {"interactive": False}}
    env = {**os.environ, **dict(config.env), "KUBERNETES_EXEC_INFO": json.dumps(info)}
    try:
        process = await asyncio.create_subprocess_exec(
            config.command,
            *config.args,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except FileNotFoundError:
        hint = f" ({config.install_hint.strip()})" if config.install_hint else ""
        raise CredentialError(f"exec plugin {name}: not found on PATH{hint}") from None
    except OSError as error:
        raise CredentialError(f"exec plugin {name}: cannot run: {error.strerror or error}") from None
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), EXEC_TIMEOUT_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise CredentialError(
            f"exec plugin {name}: no answer after {EXEC_TIMEOUT_SECONDS:.0f}s (is it prompting?)"
        ) from None
    if process.returncode != 0:
        said = " ".join(stderr.decode("utf-8", "replace").split())[-STDERR_SHOWN:]
        raise CredentialError(f"exec plugin {name} exited {process.returncode}" + (f": {said}" if said else ""))
    return _read_credential(name, config.api_version, stdout)


def _read_credential(name: str, api_version: str, stdout: bytes) -> tuple[str, float | None]:
    try:
        credential = json.loads(stdout)
    except ValueError:
        shown = stdout.decode("utf-8", "replace").strip()[:80]
        raise CredentialError(f"exec plugin {name} printed no ExecCredential JSON: {shown!r}") from None
    if not isinstance(credential, dict) or credential.get("kind") != "ExecCredential":
        raise CredentialError(f"exec plugin {name} printed JSON that is not an ExecCredential")
    if credential.get("apiVersion") != api_version:
        answered = credential.get("apiVersion")
        raise CredentialError(f"exec plugin {name} answered apiVersion {answered!r}, the kubeconfig asks {api_version}")
    status = credential.get("status")
    token = status.get("token") if isinstance(status, dict) else None
    if not isinstance(token, str) or not token:
        if isinstance(status, dict) and status.get("clientCertificateData"):
            raise CredentialError(f"exec plugin {name} returned a client certificate; hyptui supports tokens only")
        raise CredentialError(f"exec plugin {name} returned an ExecCredential without status.token")
    stamp = status.get("expirationTimestamp")
    if stamp is None:
        return token, None
    expires = parse_time(stamp)
    if expires is None:
        raise CredentialError(f"exec plugin {name} returned an expirationTimestamp that is not RFC 3339: {stamp!r}")
    return token, expires.timestamp()
