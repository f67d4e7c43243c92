"""The kubeconfig reader: kubectl's file list and merge rules, every credential kind, and an error for each way a
file can be wrong that names the file, the line or entry and field, and what is allowed."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from hyptui.kube.kubeconfig import (
    MAX_FILE_BYTES,
    ClusterTls,
    ExecConfig,
    KubeConfigError,
    UserAuth,
    context_names,
    current_context_name,
    kubeconfig_paths,
    load_kubeconfig,
    resolve_context,
)

CA_PEM = b"-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n"
CERT_PEM = b"-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n"
KEY_PEM = b"-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n"
EKS_EXEC = {
    "apiVersion": "client.authentication.k8s.io/v1beta1",
    "command": "aws",
    "args": ["--region", "us-east-2", "eks", "get-token", "--cluster-name", "research"],
    "env": [{"name": "AWS_PROFILE", "value": "research"}],
}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def config() -> dict[str, Any]:
    """A usable kubeconfig: context prod -> cluster eks (CA inline) and user admin (a token)."""
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": "eks",
                "cluster": {"server": "https://eks.example:443", "certificate-authority-data": b64(CA_PEM)},
            },
            {"name": "kind", "cluster": {"server": "https://127.0.0.1:6443", "insecure-skip-tls-verify": True}},
        ],
        "users": [{"name": "admin", "user": {"token": "t0ken"}}],
        "contexts": [
            {"name": "prod", "context": {"cluster": "eks", "user": "admin", "namespace": "team-a"}},
            {"name": "dev", "context": {"cluster": "kind", "user": "admin"}},
        ],
        "current-context": "prod",
    }


def cluster(document: dict[str, Any]) -> dict[str, Any]:
    return document["clusters"][0]["cluster"]


def user(document: dict[str, Any]) -> dict[str, Any]:
    return document["users"][0]["user"]


def context(document: dict[str, Any]) -> dict[str, Any]:
    return document["contexts"][0]["context"]


def write(path: Path, content: dict[str, Any] | str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else yaml.safe_dump(content), encoding="utf-8")
    return path


def error_of(paths: list[Path], context_name: str | None = None) -> str:
    with pytest.raises(KubeConfigError) as raised:
        resolve_context(paths, context_name)
    return str(raised.value)


# --- which files ---------------------------------------------------------------------------------------------------


def test_an_explicit_kubeconfig_is_the_only_file_read(tmp_path: Path) -> None:
    explicit = tmp_path / "mine"
    assert kubeconfig_paths(explicit, {"KUBECONFIG": "/a:/b", "HOME": str(tmp_path)}) == [explicit]


def test_the_kubeconfig_variable_is_split_without_empty_parts_or_repeats(tmp_path: Path) -> None:
    listed = os.pathsep.join(["/a", "", "/b", "/a", "/c", ""])
    assert kubeconfig_paths(None, {"KUBECONFIG": listed}) == [Path("/a"), Path("/b"), Path("/c")]


def test_without_either_the_home_kube_config_is_read(tmp_path: Path) -> None:
    assert kubeconfig_paths(None, {"HOME": str(tmp_path)}) == [tmp_path / ".kube" / "config"]
    assert kubeconfig_paths(None, {"HOME": str(tmp_path), "KUBECONFIG": os.pathsep}) == [tmp_path / ".kube" / "config"]


# --- what a context resolves to ------------------------------------------------------------------------------------


def test_a_token_user_resolves_with_server_namespace_and_inline_ca(tmp_path: Path) -> None:
    path = write(tmp_path / "config", config())
    resolved = resolve_context([path], None)
    assert (resolved.context, resolved.cluster_name, resolved.user_name) == ("prod", "eks", "admin")
    assert (resolved.server, resolved.namespace, resolved.source, resolved.proxy_url) == (
        "https://eks.example:443",
        "team-a",
        path,
        None,
    )
    assert resolved.tls == ClusterTls(ca_pem=CA_PEM, insecure=False, server_name=None)
    assert resolved.auth == UserAuth(
        token="t0ken",
        token_file=None,
        username=None,
        password=None,
        client_cert_pem=None,
        client_key_pem=None,
        exec=None,
    )


def test_an_explicit_context_beats_current_context(tmp_path: Path) -> None:
    resolved = resolve_context([write(tmp_path / "config", config())], "dev")
    assert (resolved.context, resolved.server, resolved.namespace) == ("dev", "https://127.0.0.1:6443", None)
    assert resolved.tls == ClusterTls(ca_pem=None, insecure=True, server_name=None)


def test_a_token_file_is_kept_as_a_path_resolved_against_the_kubeconfig_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = config()
    user(document).clear()
    user(document)["tokenFile"] = "secrets/token"
    write(tmp_path / "kube" / "secrets" / "token", "rotating\n")
    path = write(tmp_path / "kube" / "config", document)
    monkeypatch.chdir(tmp_path)  # a relative path must not depend on where hyptui runs
    assert resolve_context([Path("kube/config")], None).auth.token_file == path.parent / "secrets" / "token"


def test_basic_auth_and_the_cluster_tls_options(tmp_path: Path) -> None:
    document = config()
    user(document).clear()
    user(document).update(username="ops", password="pw")
    cluster(document).update(
        {"tls-server-name": "kubernetes.default", "proxy-url": "http://proxy.corp:3128"},
    )
    resolved = resolve_context([write(tmp_path / "config", document)], None)
    assert (resolved.auth.username, resolved.auth.password, resolved.auth.token) == ("ops", "pw", None)
    assert resolved.tls.server_name == "kubernetes.default"
    assert resolved.proxy_url == "http://proxy.corp:3128"


def test_client_certificates_inline(tmp_path: Path) -> None:
    document = config()
    user(document).clear()
    user(document).update({"client-certificate-data": b64(CERT_PEM), "client-key-data": b64(KEY_PEM)})
    auth = resolve_context([write(tmp_path / "config", document)], None).auth
    assert (auth.client_cert_pem, auth.client_key_pem, auth.token) == (CERT_PEM, KEY_PEM, None)


def test_certificate_files_are_read_relative_to_the_kubeconfig(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    document = config()
    user(document).clear()
    user(document).update({"client-certificate": "pki/client.crt", "client-key": "pki/client.key"})
    cluster(document).pop("certificate-authority-data")
    cluster(document)["certificate-authority"] = "pki/ca.crt"
    for name, content in (("ca.crt", CA_PEM), ("client.crt", CERT_PEM), ("client.key", KEY_PEM)):
        write(tmp_path / "kube" / "pki" / name, content)
    write(tmp_path / "kube" / "config", document)
    monkeypatch.chdir(tmp_path)
    resolved = resolve_context([Path("kube/config")], None)
    assert (resolved.tls.ca_pem, resolved.auth.client_cert_pem, resolved.auth.client_key_pem) == (
        CA_PEM,
        CERT_PEM,
        KEY_PEM,
    )


def test_an_exec_plugin_keeps_every_field_and_resolves_only_a_command_given_as_a_path(tmp_path: Path) -> None:
    document = config()
    user(document).clear()
    user(document)["exec"] = {
        **EKS_EXEC,
        "installHint": "install the AWS CLI",
        "interactiveMode": "Never",
        "provideClusterInfo": True,
    }
    path = write(tmp_path / "config", document)
    assert resolve_context([path], None).auth.exec == ExecConfig(
        command="aws",
        args=("--region", "us-east-2", "eks", "get-token", "--cluster-name", "research"),
        env=(("AWS_PROFILE", "research"),),
        api_version="client.authentication.k8s.io/v1beta1",
        install_hint="install the AWS CLI",
        interactive_mode="Never",
        provide_cluster_info=True,
    )
    user(document)["exec"] = {"apiVersion": "client.authentication.k8s.io/v1", "command": "bin/get-token"}
    write(path, document)
    plugin = resolve_context([path], None).auth.exec
    assert plugin is not None
    assert (plugin.command, plugin.args, plugin.env, plugin.interactive_mode, plugin.provide_cluster_info) == (
        str(tmp_path / "bin" / "get-token"),
        (),
        (),
        None,
        False,
    )


def test_a_user_with_no_credentials_is_anonymous(tmp_path: Path) -> None:
    document = config()
    user(document).clear()
    user(document)["token"] = ""
    auth = resolve_context([write(tmp_path / "config", document)], None).auth
    assert auth == UserAuth(None, None, None, None, None, None, None)


# --- merging several files -----------------------------------------------------------------------------------------


def test_the_first_file_to_define_a_name_wins_and_so_does_the_first_current_context(tmp_path: Path) -> None:
    first = {
        "clusters": [{"name": "eks", "cluster": {"server": "https://first.example"}}],
        "contexts": [{"name": "extra", "context": {"cluster": "eks", "user": "admin"}}],
    }
    second = config()
    second["current-context"] = "dev"
    third = config()
    third["current-context"] = "prod"
    third["clusters"][1]["cluster"]["server"] = "https://ignored.example"
    paths = [write(tmp_path / name, document) for name, document in (("a", first), ("b", second), ("c", third))]
    merged = load_kubeconfig(paths)
    assert (merged.current_context, merged.current_context_source) == ("dev", paths[1])
    assert resolve_context(paths, "prod").server == "https://first.example"
    assert resolve_context(paths, None).server == "https://127.0.0.1:6443"
    assert resolve_context(paths, "extra").source == paths[0]
    assert context_names(paths) == ["dev", "extra", "prod"]
    assert current_context_name(paths) == "dev"


def test_relative_paths_resolve_against_the_file_that_defined_each_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clusters_file = {
        "clusters": [{"name": "eks", "cluster": {"server": "https://eks.example", "certificate-authority": "ca.crt"}}],
        "contexts": [{"name": "prod", "context": {"cluster": "eks", "user": "admin"}}],
        "current-context": "prod",
    }
    users_file = {"users": [{"name": "admin", "user": {"client-certificate": "c.crt", "client-key": "c.key"}}]}
    write(tmp_path / "a" / "ca.crt", CA_PEM)
    write(tmp_path / "b" / "c.crt", CERT_PEM)
    write(tmp_path / "b" / "c.key", KEY_PEM)
    write(tmp_path / "a" / "config", clusters_file)
    write(tmp_path / "b" / "config", users_file)
    monkeypatch.chdir(tmp_path)
    resolved = resolve_context([Path("a/config"), Path("b/config")], None)
    assert (resolved.tls.ca_pem, resolved.auth.client_cert_pem, resolved.auth.client_key_pem) == (
        CA_PEM,
        CERT_PEM,
        KEY_PEM,
    )


def test_missing_and_empty_files_on_a_list_are_skipped_while_one_file_is_usable(tmp_path: Path) -> None:
    good = write(tmp_path / "good", config())
    empty = write(tmp_path / "empty", "# nothing yet\n")
    assert resolve_context([tmp_path / "missing", empty, good], None).context == "prod"
    assert load_kubeconfig([tmp_path / "missing", empty, good]).files == (empty, good)


def test_context_names_are_empty_when_the_files_cannot_be_used(tmp_path: Path) -> None:
    assert context_names([write(tmp_path / "broken", "clusters: [")]) == []
    assert context_names([tmp_path / "missing"]) == []


# --- errors: the files themselves ----------------------------------------------------------------------------------


def test_an_explicit_file_that_does_not_exist(tmp_path: Path) -> None:
    assert error_of([tmp_path / "x" / "y"]) == f"kubeconfig {tmp_path / 'x' / 'y'}: no such file"


def test_no_file_on_the_list_exists_names_them_all(tmp_path: Path) -> None:
    message = error_of([tmp_path / "a", tmp_path / "b"])
    assert message == f"no kubeconfig found: none of {tmp_path / 'a'}, {tmp_path / 'b'} exists"
    assert "pass --kubeconfig" in error_of([])


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"", "empty file", id="empty"),
        pytest.param("# only a comment\n\n", "empty file", id="only-comments"),
        pytest.param(b"clusters: []\nname: \xff\xfe\n", "not UTF-8 text (byte 0xff at offset 19)", id="not-utf8"),
        pytest.param(b"\xef\xbb\xbfname: \xc3\n", "not UTF-8 text (byte 0xc3 at offset 9)", id="not-utf8-after-bom"),
        pytest.param(
            "clusters:\n  - name: a\n    cluster: {server: x\n",
            "not valid YAML at line 4, column 1",
            id="not-yaml",
        ),
        pytest.param("a: b\n---\nc: d\n", "not valid YAML at line 2, column 1", id="two-documents"),
        pytest.param("- clusters\n", "must be a mapping with clusters, users and contexts, not a list", id="list"),
        pytest.param("just words\n", "not a string", id="scalar"),
        pytest.param("[" * 5000 + "]" * 5000, "nested too deeply", id="deep-nesting"),
        pytest.param("{[1, 2]: x}\n", "not valid YAML at line 1, column 2: found unhashable key", id="list-as-key"),
        pytest.param("a: !!python/object:os.system x\n", "not valid YAML at line 1", id="python-tag"),
        pytest.param("a: !!timestamp 'never'\n", "not valid YAML", id="bad-timestamp"),
        pytest.param("a: 2001-13-45\n", "not valid YAML", id="bad-date"),
        pytest.param("clusters: {eks: {}}\n", "clusters must be a list of entries with name and cluster", id="map"),
        pytest.param("users: [token]\n", "users[0] must be a mapping with name and user, not a string", id="item"),
        pytest.param("contexts: [{context: {}}]\n", "contexts[0] has no name", id="no-name"),
        pytest.param("clusters: [{name: 7, cluster: {}}]\n", "clusters[0]: name must be a string", id="number-name"),
        pytest.param("clusters: [{name: eks}]\n", 'cluster "eks" has no cluster mapping (server,', id="no-cluster"),
        pytest.param("users: [{name: u, user: [a]}]\n", 'user "u" has no user mapping', id="user-list"),
        pytest.param("contexts: [{name: c}]\n", 'context "c" has no context mapping (cluster, user', id="no-ctx"),
        pytest.param(
            "users: [{name: u, user: {}}, {name: u, user: {}}]\n", 'user "u" is defined twice in this file', id="dup"
        ),
        pytest.param("current-context: [a]\n", "current-context must be a string, not a list", id="current-list"),
    ],
)
def test_a_file_that_is_not_a_kubeconfig(tmp_path: Path, content: str | bytes, expected: str) -> None:
    path = write(tmp_path / "config", content)
    message = error_of([path])
    assert message.startswith(f"kubeconfig {path}: ")
    assert expected in message


def test_a_list_of_only_empty_files_names_them(tmp_path: Path) -> None:
    paths = [write(tmp_path / "a", ""), write(tmp_path / "b", "\n")]
    assert error_of(paths) == f"kubeconfig {paths[0]}, {paths[1]}: empty files"


def test_a_file_over_the_size_cap_is_not_parsed(tmp_path: Path) -> None:
    path = write(tmp_path / "config", b"#" * (MAX_FILE_BYTES + 1))
    assert error_of([path]) == f"kubeconfig {path}: larger than 4 MiB, too large to be read as a kubeconfig"


def test_a_directory_is_not_a_kubeconfig(tmp_path: Path) -> None:
    assert error_of([tmp_path]) == f"kubeconfig {tmp_path}: is a directory, not a file"


def test_a_broken_file_on_a_list_is_reported_even_next_to_a_good_one(tmp_path: Path) -> None:
    good = write(tmp_path / "good", config())
    broken = write(tmp_path / "broken", "users: 3\n")
    assert error_of([good, broken]).startswith(f"kubeconfig {broken}: users must be a list")


def test_keys_that_are_not_strings_do_not_crash(tmp_path: Path) -> None:
    path = write(tmp_path / "config", "1: 2\ntrue: [x]\n")
    assert error_of([path]) == (
        f"kubeconfig {path}: no context chosen: set current-context or pass --context; contexts: none"
    )


# --- errors: choosing the context ----------------------------------------------------------------------------------


def test_no_context_chosen_lists_the_contexts(tmp_path: Path) -> None:
    document = config()
    del document["current-context"]
    path = write(tmp_path / "config", document)
    assert error_of([path]) == (
        f"kubeconfig {path}: no context chosen: set current-context or pass --context; contexts: dev, prod"
    )


def test_an_unknown_context_lists_those_that_exist_sorted(tmp_path: Path) -> None:
    path = write(tmp_path / "config", config())
    assert error_of([path], "staging") == f'kubeconfig {path}: context "staging" not found; contexts: dev, prod'


def test_a_current_context_that_names_no_context(tmp_path: Path) -> None:
    document = config()
    document["current-context"] = "gone"
    path = write(tmp_path / "config", document)
    assert error_of([path]) == (f'kubeconfig {path}: current-context "gone" is not among the contexts: dev, prod')


def mutation_table() -> list[Any]:
    """(mutation of config(), what the message must say after `kubeconfig PATH: `)."""

    def both(entry: Callable[[dict[str, Any]], dict[str, Any]], **fields: Any) -> Callable[[dict[str, Any]], None]:
        return lambda document: entry(document).update(fields)

    def only(entry: Callable[[dict[str, Any]], dict[str, Any]], **fields: Any) -> Callable[[dict[str, Any]], None]:
        def mutate(document: dict[str, Any]) -> None:
            entry(document).clear()
            entry(document).update(fields)

        return mutate

    exec_with = lambda **fields: only(user, exec={**EKS_EXEC, **fields})  # noqa: E731
    cases = [
        # the context's references
        (only(context, user="admin"), 'context "prod": no cluster (the name of an entry under clusters)'),
        (only(context, cluster="eks"), 'context "prod": no user (the name of an entry under users)'),
        (
            both(context, cluster="gke"),
            'context "prod" names cluster "gke", which no kubeconfig file defines; clusters: eks, kind',
        ),
        (
            both(context, user="root"),
            'context "prod" names user "root", which no kubeconfig file defines; users: admin',
        ),
        (both(context, namespace="Team_A"), 'context "prod": namespace "Team_A" is not a namespace name'),
        (both(context, cluster=["eks"]), 'context "prod": cluster must be a string (quote it), not a list'),
        # the cluster
        (only(cluster, **{"certificate-authority-data": b64(CA_PEM)}), 'cluster "eks": no server (the API server'),
        (
            both(cluster, server="eks.example:443"),
            'cluster "eks": server "eks.example:443" is not an http:// or https:// URL such as https://host:6443',
        ),
        (both(cluster, server="ftp://eks.example"), 'server "ftp://eks.example" is not an http:// or https:// URL'),
        (both(cluster, server="https://[::1"), 'server "https://[::1" is not an http:// or https:// URL'),
        (both(cluster, server="https://eks:port"), 'server "https://eks:port" is not an http'),
        (both(cluster, server=443), 'cluster "eks": server must be a string (quote it), not a number'),
        (
            both(cluster, **{"certificate-authority": "/etc/ca.crt"}),
            'cluster "eks": sets both certificate-authority '
            "and certificate-authority-data; kubectl refuses that too: keep one",
        ),
        (
            both(cluster, **{"certificate-authority-data": "not base64!"}),
            'cluster "eks": certificate-authority-data is not valid base64',
        ),
        (both(cluster, **{"certificate-authority-data": "Q0E"}), "certificate-authority-data is not valid base64"),
        (
            both(cluster, **{"insecure-skip-tls-verify": True}),
            'cluster "eks": sets insecure-skip-tls-verify and a certificate authority; kubectl refuses that too',
        ),
        (both(cluster, **{"insecure-skip-tls-verify": "yes please"}), "insecure-skip-tls-verify must be true or false"),
        (
            both(cluster, **{"proxy-url": "ftp://proxy"}),
            'cluster "eks": proxy-url "ftp://proxy" is not an http://, https:// or socks5:// URL',
        ),
        # the user
        (
            only(user, **{"client-certificate-data": b64(CERT_PEM)}),
            'user "admin": has a client certificate but no client-key or client-key-data',
        ),
        (only(user, **{"client-key-data": b64(KEY_PEM)}), 'user "admin": has a client key but no client-certificate'),
        (
            only(
                user,
                **{
                    "client-certificate-data": b64(CERT_PEM),
                    "client-certificate": "/c.crt",
                    "client-key-data": b64(KEY_PEM),
                },
            ),
            'user "admin": sets both client-certificate and client-certificate-data; kubectl refuses that too',
        ),
        (
            only(user, **{"client-certificate-data": b64(CERT_PEM), "client-key-data": "%%%"}),
            'user "admin": client-key-data is not valid base64',
        ),
        (only(user, token="t", username="u", password="p"), 'user "admin": sets both token and username/password'),
        (only(user, token=12345), 'user "admin": token must be a string (quote it), not a number'),
        (
            only(user, exec={"apiVersion": EKS_EXEC["apiVersion"]}),
            'user "admin": exec: no command (the credential plugin to run, such as aws)',
        ),
        (
            only(user, exec={"command": "aws"}),
            'user "admin": exec: no apiVersion: set '
            "client.authentication.k8s.io/v1beta1 or client.authentication.k8s.io/v1",
        ),
        (
            exec_with(apiVersion="client.authentication.k8s.io/v1alpha1"),
            'user "admin": exec: apiVersion '
            '"client.authentication.k8s.io/v1alpha1" is not supported: use client.authentication.k8s.io/v1beta1 or',
        ),
        (exec_with(env=[{"value": "x"}]), 'user "admin": exec: env[0] has no name'),
        (exec_with(env=[{"name": "AWS_PROFILE"}]), 'user "admin": exec: env[0] ("AWS_PROFILE") has no value'),
        (exec_with(env=[{"name": "PORT", "value": 8080}]), 'exec: env[0] ("PORT"): value must be a string (quote it)'),
        (exec_with(env={"AWS_PROFILE": "x"}), "exec: env must be a list of name/value mappings, not a mapping"),
        (exec_with(args="eks get-token"), "exec: args must be a list of strings (quote numbers), not a string"),
        (exec_with(args=["--duration", 900]), "exec: args must be a list of strings"),
        (
            exec_with(interactiveMode="Sometimes"),
            'exec: interactiveMode "Sometimes" must be one of Never, IfAvailable, Always',
        ),
        (exec_with(provideClusterInfo="true"), "exec: provideClusterInfo must be true or false, not a string"),
        (only(user, exec="aws eks get-token"), 'user "admin": exec must be a mapping, not a string'),
        (
            only(user, **{"auth-provider": {"name": "oidc", "config": {}}}),
            'user "admin": auth-provider "oidc" is not '
            "supported by hyptui: use an exec plugin such as aws eks get-token",
        ),
        (only(user, token="t", **{"as": "system:admin"}), 'user "admin": as: impersonation is not supported'),
    ]
    return [pytest.param(mutate, expected, id=f"{index:02d}") for index, (mutate, expected) in enumerate(cases)]


@pytest.mark.parametrize(("mutate", "expected"), mutation_table())
def test_an_entry_that_cannot_be_used(tmp_path: Path, mutate: Callable[[dict[str, Any]], None], expected: str) -> None:
    document = config()
    mutate(document)
    path = write(tmp_path / "config", document)
    message = error_of([path])
    assert message.startswith(f"kubeconfig {path}: ")
    assert expected in message


@pytest.mark.parametrize(
    ("field", "section"),
    [("certificate-authority", "cluster"), ("client-certificate", "user"), ("tokenFile", "user")],
)
def test_a_file_an_entry_names_must_exist_where_the_kubeconfig_puts_it(
    tmp_path: Path, field: str, section: str
) -> None:
    document = config()
    if section == "cluster":
        cluster(document).pop("certificate-authority-data")
        cluster(document)[field] = "pki/missing.pem"
    else:
        user(document).clear()
        user(document).update({field: "pki/missing.pem", "client-key-data": b64(KEY_PEM)})
    path = write(tmp_path / "kube" / "config", document)
    name = "eks" if section == "cluster" else "admin"
    assert error_of([path]) == (
        f'kubeconfig {path}: {section} "{name}": {field} {tmp_path / "kube" / "pki" / "missing.pem"}: no such file'
    )


def test_entries_the_chosen_context_does_not_use_are_not_checked(tmp_path: Path) -> None:
    document = config()
    document["clusters"].append({"name": "old", "cluster": {"server": "not a url"}})
    document["users"].append({"name": "oidc", "user": {"auth-provider": {"name": "oidc"}}})
    assert resolve_context([write(tmp_path / "config", document)], None).context == "prod"


def test_an_entry_error_names_the_file_that_defined_the_entry(tmp_path: Path) -> None:
    contexts = {
        "contexts": [{"name": "prod", "context": {"cluster": "eks", "user": "admin"}}],
        "current-context": "prod",
    }
    clusters = {"clusters": [{"name": "eks", "cluster": {"server": "https://eks.example"}}]}
    users = {"users": [{"name": "admin", "user": {"exec": {"command": "aws"}}}]}
    paths = [write(tmp_path / name, doc) for name, doc in (("ctx", contexts), ("cl", clusters), ("us", users))]
    assert error_of(paths).startswith(f'kubeconfig {paths[2]}: user "admin": exec: no apiVersion')
