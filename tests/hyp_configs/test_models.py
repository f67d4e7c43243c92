"""The models against the schema.json each template package ships: same fields, order, descriptions, required fields
and defaults, so forms and config.yaml show what hyp shows; and constraints that refuse with hyp's words."""

from __future__ import annotations

import json

import pytest

from hyptui.hyp_configs.registry import EXCLUDED_FIELDS, TEMPLATES, get_template, latest_version
from hyptui.hyp_configs.validation import hyp_messages, messages_by_field
from tests.paths import SCHEMA_FIXTURES

SCHEMAS = SCHEMA_FIXTURES
SPECS = [(spec.name, spec.version) for versions in TEMPLATES.values() for spec in versions.values()]


def _schema(name: str, version: str) -> dict:
    return json.loads((SCHEMAS / f"{name}-{version}.json").read_text())


@pytest.mark.parametrize(("name", "version"), SPECS)
def test_fields_descriptions_and_required_match_schema_json(name: str, version: str) -> None:
    spec, schema = get_template(name, version), _schema(name, version)
    properties = schema["properties"]
    assert list(spec.model.model_fields) == list(properties) or spec.yaml_order == tuple(properties)
    for field_name, prop in properties.items():
        info = spec.model.model_fields[field_name]
        description = prop.get("description")
        assert info.description == (", ".join(description) if isinstance(description, list) else description)
        assert spec.is_deprecated(field_name) == bool(prop.get("deprecated"))
        if field_name not in schema.get("required", []) and "default" in prop:
            assert info.get_default() == prop["default"], field_name
    assert [n for n, f in spec.model.model_fields.items() if f.is_required()] == schema.get("required", [])


@pytest.mark.parametrize(("name", "version"), SPECS)
def test_config_yaml_keys_are_required_first_then_schema_order_without_deprecated(name: str, version: str) -> None:
    spec, schema = get_template(name, version), _schema(name, version)
    required = schema.get("required", [])
    rest = [k for k, p in schema["properties"].items() if k not in required and not p.get("deprecated")]
    expected = [k for k in [*required, *rest] if k not in EXCLUDED_FIELDS]
    assert [f.name for f in spec.fields()] == expected


def test_latest_versions_are_hyps_defaults() -> None:
    assert {name: latest_version(name) for name in TEMPLATES} == {
        "hyp-pytorch-job": "1.1",
        "hyp-custom-endpoint": "1.2",
        "hyp-jumpstart-endpoint": "1.2",
        "cluster-stack": "1.0",
        "hyp-space": "1.1",
    }


def test_unknown_templates_and_versions_name_what_is_allowed() -> None:
    with pytest.raises(KeyError, match="choose one of: hyp-pytorch-job"):
        get_template("hyp-recipe-job")
    with pytest.raises(KeyError, match=r"Unsupported schema version: 9.9 \(template hyp-pytorch-job has 1.0, 1.1\)"):
        get_template("hyp-pytorch-job", "9.9")


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    [
        (
            "hyp-custom-endpoint",
            {"model_source_type": "gcs"},
            "model_source_type: Input should be 'fsx', 's3', 'huggingface' or 'kubernetesVolume'",
        ),
        (
            "hyp-custom-endpoint",
            {"container_port": 70000},
            "container_port: Input should be less than or equal to 65535",
        ),
        (
            "hyp-jumpstart-endpoint",
            {"instance_type": "g5.8xlarge"},
            "instance_type: String should match pattern '^ml\\..*'",
        ),
        ("hyp-space", {"desired_status": "Paused"}, "desired_status: Input should be 'Running' or 'Stopped'"),
        (
            "hyp-space",
            {"queue_name": "Team_Q"},
            "queue_name: String should match pattern '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'",
        ),
        ("hyp-pytorch-job", {"max_retry": -1}, "max_retry: Input should be greater than or equal to 0"),
    ],
)
def test_constraints_refuse_with_pydantics_words(name: str, values: dict, expected: str) -> None:
    assert expected in [str(m) for m in hyp_messages(get_template(name), values)]


def test_cross_field_rules_name_the_fields_they_concern() -> None:
    spec = get_template("hyp-custom-endpoint")
    base = {
        "model_name": "m",
        "model_source_type": "s3",
        "image_uri": "i",
        "container_port": 8080,
        "model_volume_mount_name": "v",
        "endpoint_name": "ep",
        "instance_type": "ml.g5.8xlarge",
    }
    (message,) = hyp_messages(spec, base)
    assert str(message) == ": Value error, s3_bucket_name and s3_region are required when model_source_type is 's3'"
    assert message.fields == ("s3_bucket_name", "s3_region")
    grouped = messages_by_field(
        hyp_messages(spec, {**base, "s3_bucket_name": "b", "s3_region": "r", "instance_types": "x"})
    )
    assert set(grouped) == {"instance_type", "instance_types"}


def test_space_volumes_must_be_unique() -> None:
    volume = {"name": "a", "mountPath": "/a", "persistentVolumeClaimName": "c"}
    messages = hyp_messages(get_template("hyp-space"), {"name": "s", "display_name": "S", "volumes": [volume, volume]})
    assert [str(m) for m in messages] == ["volumes: Value error, Duplicate volume names found"]


def test_cluster_stack_reads_a_bare_kubernetes_version_as_text() -> None:
    assert hyp_messages(get_template("cluster-stack"), {"kubernetes_version": 1.32}) == []
