"""What `hyp create cluster-stack` sends CloudFormation for a cluster-stack config.yaml: the model's `to_config(region)`
then HpClusterStack's `create()`, as one request: the stack name (`HyperpodClusterStack-<5 hex>`), the template URL,
one parameter per model field (PascalCase; bools as "true"/"false"; id lists comma-joined; each instance group as
`InstanceGroupSettings<N>` = a JSON list of one group) and the tags.

Two differences from hyp, both where hyp would need what hyptui does not call: availability zone ids missing from
config.yaml are taken from the instance groups' TargetAvailabilityZoneId (hyp asks EC2 for the region's first two),
and nested keys already in PascalCase are kept as written (hyp lower-cases all but their first letter unless it knows
the key)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from hyptui.aws.stacks import TEMPLATE_URL
from hyptui.hyp_configs.cluster_stack import ClusterStackV1_0

STACK_NAME_PREFIX = "HyperpodClusterStack-"
TEMPLATE_VERSION = "1"  # hyp's `--template-version` when not given
TEMPLATE_STAGE = "prod"  # TEMPLATE_URL names the prod bucket; hyp names it after the `stage` field
PREVIEW_TOKEN = "xxxxxxxxx"  # stands for the random part of the names in a preview
ID_LISTS = frozenset(
    {
        "availability_zone_ids",
        "nat_gateway_ids",
        "eks_private_subnet_ids",
        "security_group_ids",
        "private_route_table_ids",
        "private_subnet_ids",
    }
)
SETTINGS_LISTS = {"instance_group_settings": "InstanceGroupSettings", "rig_settings": "RigSettings"}
# Where HpClusterStack's PascalCase is not word-by-word capitalisation.
PARAMETER_NAMES = {
    "eks_cluster_name": "EKSClusterName",
    "create_eks_cluster_stack": "CreateEKSClusterStack",
    "create_hyperpod_cluster_stack": "CreateHyperPodClusterStack",
    "create_sagemaker_iam_role_stack": "CreateSageMakerIAMRoleStack",
    "create_vpc_stack": "CreateVPCStack",
    "sagemaker_iam_role_name": "SageMakerIAMRoleName",
    "vpc_cidr": "VpcCIDR",
    "enable_hp_inference_feature": "EnableHPInferenceFeature",
    "fsx_availability_zone_id": "FsxAvailabilityZoneId",
    "hyperpod_cluster_name": "HyperPodClusterName",
}
ZONE_KEY = "TargetAvailabilityZoneId"


class ClusterStackParamsError(ValueError):
    """config.yaml cannot become a stack request; the message names the field."""


@dataclass(frozen=True, slots=True)
class StackRequest:
    name: str
    template_url: str
    parameters: dict[str, str]  # in the model's field order, as hyp sends them
    tags: dict[str, str]


def parameter_name(field: str) -> str:
    return PARAMETER_NAMES.get(field) or "".join(word.capitalize() for word in field.split("_"))


def _nested_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {(k if k[:1].isupper() else parameter_name(k)): _nested_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nested_keys(item) for item in value]
    return value


def _settings(value: Any, field: str) -> list[Any]:
    if isinstance(value, str):  # `hyp configure` may leave a JSON string
        try:
            value = json.loads(value)
        except ValueError:
            raise ClusterStackParamsError(f"{field}: not a list of settings (JSON does not parse)") from None
    if not isinstance(value, list):
        raise ClusterStackParamsError(f"{field}: must be a list of settings, one mapping per group")
    return value


def _zones(config: dict[str, Any]) -> list[str]:
    groups = _settings(config.get("instance_group_settings") or [], "instance_group_settings")
    zones = [str(g[ZONE_KEY]) for g in groups if isinstance(g, dict) and g.get(ZONE_KEY)]
    return list(dict.fromkeys(zones))


def _to_config(model: ClusterStackV1_0, token: str) -> dict[str, Any]:
    """The model's `to_config`: availability zones filled in, the resource prefix made unique."""
    config = model.model_dump()
    if not config.get("availability_zone_ids") or not config.get("fsx_availability_zone_id"):
        zones = _zones(config)
        if not zones:
            raise ClusterStackParamsError(
                "availability_zone_ids: name the availability zone ids to deploy in (e.g. [use2-az1, use2-az2]), or "
                "give an instance group a TargetAvailabilityZoneId"
            )
        config["availability_zone_ids"] = config.get("availability_zone_ids") or zones[:2]
        config["fsx_availability_zone_id"] = config.get("fsx_availability_zone_id") or zones[0]
    if config.get("resource_name_prefix"):
        config["resource_name_prefix"] = f"{config['resource_name_prefix']}-{token[5:9]}"
    return config


def _parameters(config: dict[str, Any]) -> dict[str, str]:
    parameters: dict[str, str] = {}
    for field in ClusterStackV1_0.model_fields:
        value = config.get(field)
        if value is None:
            continue
        if field in SETTINGS_LISTS:
            for index, setting in enumerate(_settings(value, field), 1):
                converted = _nested_keys(setting)
                text = f"[{json.dumps(converted)}]" if isinstance(converted, dict | list) else str(converted)
                parameters[f"{SETTINGS_LISTS[field]}{index}"] = text
        elif field in ID_LISTS:
            parameters[parameter_name(field)] = ",".join(str(v) for v in value) if isinstance(value, list) else value
        elif field == "tags":
            parameters[parameter_name(field)] = json.dumps(value) if isinstance(value, list) else str(value)
        elif isinstance(value, bool):
            parameters[parameter_name(field)] = str(value).lower()
        else:
            parameters[parameter_name(field)] = str(value)
    return parameters


def _tags(tags: Any) -> dict[str, str]:
    """CreateStack's tags: `{Key, Value}` entries as they are, bare strings as keys with an empty value."""
    if not isinstance(tags, list):
        return {}
    result: dict[str, str] = {}
    for tag in tags:
        if isinstance(tag, dict) and "Key" in tag:
            result[str(tag["Key"])] = str(tag.get("Value", ""))
        elif isinstance(tag, str):
            result[tag] = ""
    return result


def stack_request(values: Mapping[str, Any], region: str, token: str | None = None) -> StackRequest:
    """`token`: 9 hex digits for the random parts of the names (the stack's 5, the resource prefix's 4)."""
    token = token or secrets.token_hex(5)[:9]
    try:
        model = ClusterStackV1_0.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise ClusterStackParamsError(f"{field}: {first['msg']}") from None
    config = _to_config(model, token)
    url = TEMPLATE_URL.format(region=region, version=TEMPLATE_VERSION)
    stage = config.get("stage") or TEMPLATE_STAGE
    return StackRequest(
        name=f"{STACK_NAME_PREFIX}{token[:5]}",
        template_url=url.replace(f"-{TEMPLATE_STAGE}.s3.", f"-{stage}.s3."),
        parameters=_parameters(config),
        tags=_tags(config.get("tags")),
    )
