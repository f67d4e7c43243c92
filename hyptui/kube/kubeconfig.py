"""The kubeconfig as kubectl reads it: which files, how they merge, and the one context a client connects with.

Everything is checked here, once, so a broken file is reported by its path, its line or its entry and field, and what
would be allowed, instead of surfacing later as a vague failure inside the HTTP client. The rules are client-go's
(`tools/clientcmd`): the first file to define a name wins, relative paths resolve against the file that holds them,
and what kubectl refuses (a CA given twice, two ways to authenticate) is refused here too.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

MAX_FILE_BYTES = 4 * 1024 * 1024  # a kubeconfig with hundreds of EKS clusters stays far below this
EXEC_API_VERSIONS = ("client.authentication.k8s.io/v1beta1", "client.authentication.k8s.io/v1")
INTERACTIVE_MODES = ("Never", "IfAvailable", "Always")
SERVER_SCHEMES = ("http", "https")
PROXY_SCHEMES = ("http", "https", "socks5")  # what client-go accepts in proxy-url
_NAMESPACE = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")  # a DNS-1123 label, which client-go requires of a namespace
_SECTIONS = {"clusters": "cluster", "users": "user", "contexts": "context"}
_SECTION_HINTS = {
    "cluster": "server, certificate-authority-data, ...",
    "user": "token, exec, client-certificate-data, ...",
    "context": "cluster, user, namespace",
}


class KubeConfigError(Exception):
    """The kubeconfig cannot be used; the message names the file, the line or entry and field, and what is allowed."""


class _MissingFile(KubeConfigError):
    """Fatal for a file named alone; skipped on a $KUBECONFIG list as long as another file on it exists."""


@dataclass(frozen=True, slots=True)
class ClusterTls:
    ca_pem: bytes | None  # certificate-authority-data, else the certificate-authority file's bytes; None: system CAs
    insecure: bool
    server_name: str | None


@dataclass(frozen=True, slots=True)
class ExecConfig:
    command: str  # a path with a separator is resolved against its kubeconfig's directory; a bare name uses $PATH
    args: tuple[str, ...]
    env: tuple[tuple[str, str], ...]
    api_version: str
    install_hint: str | None
    interactive_mode: str | None
    provide_cluster_info: bool


@dataclass(frozen=True, slots=True)
class UserAuth:
    token: str | None
    token_file: Path | None  # checked to exist now, read by the client at each use because such tokens rotate
    username: str | None
    password: str | None
    client_cert_pem: bytes | None
    client_key_pem: bytes | None
    exec: ExecConfig | None


@dataclass(frozen=True, slots=True)
class ResolvedContext:
    context: str
    cluster_name: str
    user_name: str
    namespace: str | None
    server: str
    tls: ClusterTls
    proxy_url: str | None
    auth: UserAuth
    source: Path  # the file that defined the context


@dataclass(frozen=True, slots=True)
class ContextEntry:
    name: str
    cluster: str
    user: str
    namespace: str | None
    source: Path


@dataclass(frozen=True, slots=True)
class NamedEntry:
    """One item of `clusters`, `users` or `contexts`: its name, its inner mapping, and the file that defined it."""

    name: str
    body: Mapping[str, Any]
    source: Path


def kubeconfig_paths(explicit: Path | None, env: Mapping[str, str] = os.environ) -> list[Path]:
    """The files kubectl would read: --kubeconfig alone, else $KUBECONFIG's list, else ~/.kube/config."""
    if explicit is not None:
        return [explicit]
    listed = dict.fromkeys(part for part in env.get("KUBECONFIG", "").split(os.pathsep) if part)
    if listed:
        return [Path(part) for part in listed]
    return [Path(env.get("HOME") or Path.home()) / ".kube" / "config"]


def read_document(path: Path) -> dict[str, Any] | None:
    """One kubeconfig file parsed; None when it holds nothing (empty, or only comments)."""
    where = f"kubeconfig {path}"
    content = _read_capped(path, where)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        offset = error.start + len(content) - len(error.object)  # error.object has lost a leading byte-order mark
        raise KubeConfigError(f"{where}: not UTF-8 text (byte 0x{content[offset]:02x} at offset {offset})") from error
    try:
        document = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise KubeConfigError(f"{where}: not valid YAML{at}: {error.problem or error.context}") from error
    except RecursionError as error:
        raise KubeConfigError(f"{where}: nested too deeply to be a kubeconfig") from error
    except Exception as error:  # PyYAML's constructors let ValueError and AttributeError out on odd dates and tags
        raise KubeConfigError(f"{where}: not valid YAML: {error}") from error
    if document is None:
        return None
    if not isinstance(document, dict):
        raise KubeConfigError(f"{where}: must be a mapping with clusters, users and contexts, not {_kind(document)}")
    return document


@dataclass(frozen=True, slots=True)
class KubeConfig:
    """The files merged as client-go merges them: the first file to define a name wins, as does the first
    current-context; what a chosen context refers to is checked only when it is chosen, as kubectl does."""

    files: tuple[Path, ...]  # the files that exist, in order
    current_context: str  # "" when no file sets one
    current_context_source: Path | None
    clusters: Mapping[str, NamedEntry]
    users: Mapping[str, NamedEntry]
    contexts: Mapping[str, NamedEntry]

    def context_names(self) -> list[str]:
        return sorted(self.contexts)

    def context(self, name: str | None = None) -> ContextEntry:
        """The named context, else the current one, with its cluster, user and namespace checked."""
        known = _listing(self.contexts)
        if not name:
            if not self.current_context:
                raise KubeConfigError(
                    f"{_where(self.files)}: no context chosen: set current-context or pass --context; contexts: {known}"
                )
            name = self.current_context
            if name not in self.contexts:
                raise KubeConfigError(
                    f'kubeconfig {self.current_context_source}: current-context "{name}" is not among the contexts: '
                    f"{known}"
                )
        elif name not in self.contexts:
            raise KubeConfigError(f'{_where(self.files)}: context "{name}" not found; contexts: {known}')
        entry = self.contexts[name]
        fields = _Fields.of(entry, "context")
        cluster = fields.text("cluster")
        user = fields.text("user")
        namespace = fields.text("namespace")
        if cluster is None:
            raise fields.error("no cluster (the name of an entry under clusters)")
        if user is None:
            raise fields.error("no user (the name of an entry under users)")
        if namespace is not None and (len(namespace) > 63 or not _NAMESPACE.fullmatch(namespace)):
            raise fields.error(
                f'namespace "{namespace}" is not a namespace name '
                "(lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63)"
            )
        return ContextEntry(name=name, cluster=cluster, user=user, namespace=namespace, source=entry.source)

    def resolve(self, name: str | None = None) -> ResolvedContext:
        """Everything a client needs to connect with the named (or current) context, with files already read."""
        context = self.context(name)
        cluster = _referenced(self.clusters, context, "cluster", context.cluster)
        user = _referenced(self.users, context, "user", context.user)
        server, tls, proxy_url = _cluster_settings(_Fields.of(cluster, "cluster"))
        return ResolvedContext(
            context=context.name,
            cluster_name=context.cluster,
            user_name=context.user,
            namespace=context.namespace,
            server=server,
            tls=tls,
            proxy_url=proxy_url,
            auth=_user_auth(_Fields.of(user, "user")),
            source=context.source,
        )


def load_kubeconfig(paths: Sequence[Path]) -> KubeConfig:
    """The files read and merged; missing files on a list are skipped as kubectl skips them, if one exists."""
    if not paths:
        raise KubeConfigError("no kubeconfig to read: pass --kubeconfig or set $KUBECONFIG")
    found: list[tuple[Path, dict[str, Any] | None]] = []
    for path in paths:
        try:
            found.append((path, read_document(path)))
        except _MissingFile:
            if len(paths) == 1:
                raise
    if not found:
        raise KubeConfigError(f"no kubeconfig found: none of {', '.join(map(str, paths))} exists")
    documents = [(path, document) for path, document in found if document is not None]
    if not documents:
        empty = [str(path) for path, _ in found]
        raise KubeConfigError(f"kubeconfig {', '.join(empty)}: empty file{'s' if len(empty) > 1 else ''}")
    merged: dict[str, dict[str, NamedEntry]] = {section: {} for section in _SECTIONS}
    current, current_source = "", None
    for path, document in documents:
        for section, entries in _file_entries(path, document).items():
            for name, entry in entries.items():
                merged[section].setdefault(name, entry)
        value = document.get("current-context")
        if value is not None and not isinstance(value, str):
            raise KubeConfigError(f"kubeconfig {path}: current-context must be a string, not {_kind(value)}")
        if value and not current:
            current, current_source = value, path
    return KubeConfig(
        files=tuple(path for path, _ in found),
        current_context=current,
        current_context_source=current_source,
        clusters=merged["clusters"],
        users=merged["users"],
        contexts=merged["contexts"],
    )


def resolve_context(paths: Sequence[Path], context: str | None) -> ResolvedContext:
    return load_kubeconfig(paths).resolve(context)


def context_names(paths: Sequence[Path]) -> list[str]:
    """The contexts, sorted, for `:ctx` completion; empty when the files cannot be used (the client says why)."""
    try:
        return load_kubeconfig(paths).context_names()
    except KubeConfigError:
        return []


def current_context_name(paths: Sequence[Path]) -> str:
    """The merged current-context; "" when no file sets one."""
    return load_kubeconfig(paths).current_context


def _file_entries(path: Path, document: Mapping[str, Any]) -> dict[str, dict[str, NamedEntry]]:
    where = f"kubeconfig {path}"
    sections: dict[str, dict[str, NamedEntry]] = {}
    for section, inner in _SECTIONS.items():
        items = document.get(section)
        if items is None:
            items = []
        elif not isinstance(items, list):
            raise KubeConfigError(
                f"{where}: {section} must be a list of entries with name and {inner}, not {_kind(items)}"
            )
        entries: dict[str, NamedEntry] = {}
        for index, item in enumerate(items):
            at = f"{where}: {section}[{index}]"
            if not isinstance(item, dict):
                raise KubeConfigError(f"{at} must be a mapping with name and {inner}, not {_kind(item)}")
            name = item.get("name")
            if name is None or name == "":
                raise KubeConfigError(f"{at} has no name")
            if not isinstance(name, str):
                raise KubeConfigError(f"{at}: name must be a string, not {_kind(name)}")
            body = item.get(inner)
            if not isinstance(body, dict):
                found = "" if body is None else f", it is {_kind(body)}"
                raise KubeConfigError(
                    f'{where}: {inner} "{name}" has no {inner} mapping ({_SECTION_HINTS[inner]}){found}'
                )
            if name in entries:  # client-go refuses a name twice in one file; across files the first one wins
                raise KubeConfigError(f'{where}: {inner} "{name}" is defined twice in this file')
            entries[name] = NamedEntry(name=name, body=body, source=path)
        sections[section] = entries
    return sections


def _referenced(entries: Mapping[str, NamedEntry], context: ContextEntry, kind: str, name: str) -> NamedEntry:
    if name not in entries:
        raise KubeConfigError(
            f'kubeconfig {context.source}: context "{context.name}" names {kind} "{name}", which no kubeconfig '
            f"file defines; {kind}s: {_listing(entries)}"
        )
    return entries[name]


def _cluster_settings(fields: _Fields) -> tuple[str, ClusterTls, str | None]:
    server = fields.text("server")
    if server is None:
        raise fields.error("no server (the API server's URL, such as https://host:6443)")
    if not _is_url(server, SERVER_SCHEMES):
        raise fields.error(f'server "{server}" is not an http:// or https:// URL such as https://host:6443')
    ca_pem = _data_or_file(fields, "certificate-authority")
    insecure = fields.flag("insecure-skip-tls-verify")
    if insecure and ca_pem is not None:
        raise fields.error(
            "sets insecure-skip-tls-verify and a certificate authority; kubectl refuses that too: keep one"
        )
    proxy_url = fields.text("proxy-url")
    if proxy_url is not None and not _is_url(proxy_url, PROXY_SCHEMES):
        raise fields.error(f'proxy-url "{proxy_url}" is not an http://, https:// or socks5:// URL')
    return server, ClusterTls(ca_pem=ca_pem, insecure=insecure, server_name=fields.text("tls-server-name")), proxy_url


def _user_auth(fields: _Fields) -> UserAuth:
    provider = fields.mapping("auth-provider")
    if provider is not None:
        raise fields.error(
            f'auth-provider "{provider.get("name") or "?"}" is not supported by hyptui: '
            "use an exec plugin such as aws eks get-token"
        )
    for key in ("as", "as-uid", "as-groups", "as-user-extra"):
        if fields.body.get(key):
            raise fields.error(f"{key}: impersonation is not supported by hyptui; remove it from this user")
    token = fields.text("token")
    username = fields.text("username")
    password = fields.text("password")
    if token is not None and (username is not None or password is not None):
        raise fields.error("sets both token and username/password; kubectl refuses that too: keep one")
    token_file = fields.path("tokenFile")
    if token_file is not None:
        _read_capped(token_file, f"{fields.where}: tokenFile {token_file}")
    cert = _data_or_file(fields, "client-certificate")
    key = _data_or_file(fields, "client-key")
    if cert is not None and key is None:
        raise fields.error("has a client certificate but no client-key or client-key-data")
    if key is not None and cert is None:
        raise fields.error("has a client key but no client-certificate or client-certificate-data")
    return UserAuth(
        token=token,
        token_file=token_file,
        username=username,
        password=password,
        client_cert_pem=cert,
        client_key_pem=key,
        exec=_exec_config(fields),
    )


def _exec_config(user: _Fields) -> ExecConfig | None:
    body = user.mapping("exec")
    if body is None:
        return None
    fields = user.nested("exec", body)
    command = fields.text("command")
    if command is None:
        raise fields.error("no command (the credential plugin to run, such as aws)")
    api_version = fields.text("apiVersion")
    allowed = " or ".join(EXEC_API_VERSIONS)
    if api_version is None:
        raise fields.error(f"no apiVersion: set {allowed}")
    if api_version not in EXEC_API_VERSIONS:
        raise fields.error(f'apiVersion "{api_version}" is not supported: use {allowed}')
    mode = fields.text("interactiveMode")
    if mode is not None and mode not in INTERACTIVE_MODES:
        raise fields.error(f'interactiveMode "{mode}" must be one of {", ".join(INTERACTIVE_MODES)}')
    if os.sep in command:  # client-go resolves a path, never a bare name, which the plugin's $PATH finds
        command = str(fields.resolved(command))
    return ExecConfig(
        command=command,
        args=fields.strings("args"),
        env=_exec_env(fields),
        api_version=api_version,
        install_hint=fields.text("installHint"),
        interactive_mode=mode,
        provide_cluster_info=fields.flag("provideClusterInfo"),
    )


def _exec_env(fields: _Fields) -> tuple[tuple[str, str], ...]:
    items = fields.body.get("env")
    if items is None:
        return ()
    if not isinstance(items, list):
        raise fields.error(f"env must be a list of name/value mappings, not {_kind(items)}")
    pairs: list[tuple[str, str]] = []
    for index, item in enumerate(items):
        at = f"env[{index}]"
        if not isinstance(item, dict):
            raise fields.error(f"{at} must be a mapping with name and value, not {_kind(item)}")
        name, value = item.get("name"), item.get("value")
        if not isinstance(name, str) or not name:
            raise fields.error(f"{at} has no name")
        if value is None:
            raise fields.error(f'{at} ("{name}") has no value')
        if not isinstance(value, str):
            raise fields.error(f'{at} ("{name}"): value must be a string (quote it), not {_kind(value)}')
        pairs.append((name, value))
    return tuple(pairs)


def _data_or_file(fields: _Fields, key: str) -> bytes | None:
    """`KEY-data` (base64) or the file `KEY` names; both at once is what client-go's validation refuses."""
    data = fields.data(f"{key}-data")
    path = fields.path(key)
    if data is not None and path is not None:
        raise fields.error(f"sets both {key} and {key}-data; kubectl refuses that too: keep one")
    if path is not None:
        return _read_capped(path, f"{fields.where}: {key} {path}")
    return data


class _Fields:
    """Typed reads of one mapping in the kubeconfig; each error names its file, its entry and the field."""

    def __init__(self, body: Mapping[str, Any], source: Path, where: str) -> None:
        self.body = body
        self.source = source
        self.where = where

    @classmethod
    def of(cls, entry: NamedEntry, kind: str) -> _Fields:
        return cls(entry.body, entry.source, f'kubeconfig {entry.source}: {kind} "{entry.name}"')

    def nested(self, key: str, body: Mapping[str, Any]) -> _Fields:
        return _Fields(body, self.source, f"{self.where}: {key}")

    def error(self, problem: str) -> KubeConfigError:
        return KubeConfigError(f"{self.where}: {problem}")

    def text(self, key: str) -> str | None:
        value = self.body.get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise self.error(f"{key} must be a string (quote it), not {_kind(value)}")
        return value

    def flag(self, key: str) -> bool:
        value = self.body.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.error(f"{key} must be true or false, not {_kind(value)}")
        return value

    def mapping(self, key: str) -> Mapping[str, Any] | None:
        value = self.body.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.error(f"{key} must be a mapping, not {_kind(value)}")
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.body.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.error(f"{key} must be a list of strings (quote numbers), not {_kind(value)}")
        return tuple(value)

    def data(self, key: str) -> bytes | None:
        value = self.text(key)
        if value is None:
            return None
        try:  # Go's decoder skips line breaks and nothing else, and wants the padding
            return base64.b64decode(value.replace("\r", "").replace("\n", ""), validate=True)
        except (binascii.Error, ValueError) as error:
            raise self.error(f"{key} is not valid base64 ({error})") from error

    def path(self, key: str) -> Path | None:
        value = self.text(key)
        return None if value is None else self.resolved(value)

    def resolved(self, value: str) -> Path:
        """A relative path is relative to the kubeconfig file that holds it, as client-go resolves it."""
        return Path(os.path.normpath(os.path.join(os.path.abspath(self.source.parent), value)))


def _read_capped(path: Path, where: str) -> bytes:
    try:
        with path.open("rb") as stream:
            content = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError as error:
        raise _MissingFile(f"{where}: no such file") from error
    except IsADirectoryError as error:
        raise KubeConfigError(f"{where}: is a directory, not a file") from error
    except PermissionError as error:
        raise KubeConfigError(f"{where}: permission denied") from error
    except OSError as error:
        raise KubeConfigError(f"{where}: cannot read: {error.strerror or error}") from error
    if len(content) > MAX_FILE_BYTES:
        raise KubeConfigError(f"{where}: larger than {MAX_FILE_BYTES >> 20} MiB, too large to be read as a kubeconfig")
    return content


def _is_url(value: str, schemes: Sequence[str]) -> bool:
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:  # a broken IPv6 literal, or a port that is not a number
        return False
    return parts.scheme in schemes and bool(parts.hostname) and port != 0


def _where(files: Sequence[Path]) -> str:
    return f"kubeconfig {', '.join(map(str, files))}"


def _listing(names: Mapping[str, Any]) -> str:
    return ", ".join(sorted(names)) or "none"


def _kind(value: object) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    for kind, name in ((str, "a string"), (list, "a list"), (dict, "a mapping")):
        if isinstance(value, kind):
            return name
    return f"a {type(value).__name__}"
