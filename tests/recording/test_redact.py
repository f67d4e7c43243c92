"""Secrets never reach a recording: by key anywhere in nested objects, by value for the credentials the app knows."""

from __future__ import annotations

from pathlib import Path

import yaml

from hyptui.aws.target import AwsTarget
from hyptui.kube.target import KubeTarget
from hyptui.recording.credentials import aws_credentials, kube_context, kube_credentials
from hyptui.recording.redact import REDACTED, Redactor


def test_values_under_secret_keys_are_redacted_at_any_depth_but_other_values_stay() -> None:
    value = {
        "spec": {"auth": [{"token": "t1", "Authorization": "Bearer t2", "password": "p", "name": "keep"}]},
        "AwsSecretAccessKey": "s1",
        "aws_session_token": "s2",
        "client-key-data": "k",
        "automountServiceAccountToken": True,  # a flag, not a secret
        "replicas": 3,
    }
    assert Redactor().redact(value) == {
        "spec": {"auth": [{"token": REDACTED, "Authorization": REDACTED, "password": REDACTED, "name": "keep"}]},
        "AwsSecretAccessKey": REDACTED,
        "aws_session_token": REDACTED,
        "client-key-data": REDACTED,
        "automountServiceAccountToken": True,
        "replicas": 3,
    }


def test_a_secret_objects_data_and_secret_named_environment_variables_are_redacted() -> None:
    secret = {"kind": "Secret", "data": {"key": "c2VjcmV0"}, "stringData": {"pw": "hunter22"}, "type": "Opaque"}
    assert Redactor().redact(secret) == {
        "kind": "Secret",
        "data": {"key": REDACTED},
        "stringData": {"pw": REDACTED},
        "type": "Opaque",
    }
    env = [{"name": "HF_TOKEN", "value": "hf_abc"}, {"name": "EPOCHS", "value": "3"}]
    assert Redactor().redact(env) == [{"name": "HF_TOKEN", "value": REDACTED}, {"name": "EPOCHS", "value": "3"}]
    configmap = {"kind": "ConfigMap", "data": {"epochs": "3"}}
    assert Redactor().redact(configmap) == configmap


def test_any_string_containing_a_known_secret_goes_and_url_credentials_go() -> None:
    redactor = Redactor(["sk-live-123", "abc"])  # too short to look for
    assert redactor.redact({"message": "denied for key sk-live-123!", "name": "abc-job"}) == {
        "message": REDACTED,
        "name": "abc-job",
    }
    assert redactor.redact("https://admin:pw@10.0.0.1:6443/api") == f"https://{REDACTED}@10.0.0.1:6443/api"
    assert redactor.with_secrets(["abc-job"]).redact(["abc-job"]) == [REDACTED]


def test_credentials_come_from_every_kubeconfig_user_and_the_aws_environment(tmp_path: Path, monkeypatch) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("file-token-777\n")
    config = {
        "current-context": "prod",
        "users": [
            {"name": "a", "user": {"token": "bearer-111", "client-key-data": "KEYDATA222"}},
            {"name": "b", "user": {"username": "bob", "password": "pass-333", "tokenFile": str(token_file)}},
            {
                "name": "c",
                "user": {"exec": {"command": "aws", "args": ["eks"], "env": [{"name": "X", "value": "e44"}]}},
            },
            {"name": "d", "user": {"auth-provider": {"config": {"id-token": "id-555", "client-id": "public"}}}},
            {"name": "sim", "user": {"token": "hyptui-sim"}},  # the embedded cluster's published dummy
        ],
    }
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(config))
    target = KubeTarget(kubeconfig=path)
    assert kube_credentials(target) == {"bearer-111", "KEYDATA222", "pass-333", "file-token-777", "e44", "id-555"}
    assert kube_context(target) == "prod"
    assert kube_context(KubeTarget(kubeconfig=path, context="dev")) == "dev"

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    explicit = AwsTarget(access_key="AKIAGIVEN", secret_key="given-secret")
    assert aws_credentials(explicit) == {"AKIAENV", "env-secret", "AKIAGIVEN", "given-secret"}
    assert aws_credentials(AwsTarget.embedded("http://127.0.0.1:1")) == {"AKIAENV", "env-secret"}
