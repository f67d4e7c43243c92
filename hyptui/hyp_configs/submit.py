"""`create`: validate, render, record under run/<timestamp>/ and submit to the kubeconfig's cluster, as `hyp create`
does, except that hyptui refuses what the SDK would refuse before anything is written or sent."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hyptui.aws.failures import AwsFailure
from hyptui.hyp_configs.capacity import CapacityError
from hyptui.hyp_configs.cluster_stack_params import ClusterStackParamsError, stack_request
from hyptui.hyp_configs.config_file import ConfigDocument
from hyptui.hyp_configs.render import RenderError, RunRecord, parse_manifest, render, submission_object, write_run
from hyptui.hyp_configs.validation import FieldMessage, hyp_messages
from hyptui.hyperpod.kinds import (
    HYPERPOD_PYTORCH_JOBS,
    INFERENCE_ENDPOINT_CONFIGS,
    JUMPSTART_MODELS,
    WORKSPACES,
    ResourceKind,
)

if TYPE_CHECKING:
    from hyptui.aws.gateway import AwsGateway

SUBMITTED_KINDS = {k.kind: k for k in (HYPERPOD_PYTORCH_JOBS, INFERENCE_ENDPOINT_CONFIGS, JUMPSTART_MODELS, WORKSPACES)}


class SubmitError(Exception):
    """Nothing was created; `messages` holds the field messages when validation was the reason."""

    def __init__(self, message: str, messages: list[FieldMessage] | None = None) -> None:
        super().__init__(message)
        self.messages = messages or []


@dataclass(frozen=True, slots=True)
class Submission:
    run: RunRecord
    kind: ResourceKind
    namespace: str
    name: str
    created: dict[str, Any]  # the object as the API server stored it


def context_namespace(kubeconfig: Path | None, context: str | None) -> str | None:
    """The namespace of the kubeconfig context (None when it has none or the kubeconfig cannot be read)."""
    from kubernetes import config

    try:
        contexts, active = config.list_kube_config_contexts(str(kubeconfig) if kubeconfig else None)
    except (config.ConfigException, OSError, ValueError, TypeError):
        return None
    chosen = next((c for c in contexts if c["name"] == context), active) if context else active
    return ((chosen or {}).get("context") or {}).get("namespace")


def prepare(document: ConfigDocument, default_namespace: str) -> tuple[str, dict[str, Any]]:
    """(rendered template, object to submit), or SubmitError naming what hyp would refuse."""
    problems = hyp_messages(document.template, document.values)
    if problems:
        raise SubmitError("Config validation errors", problems)
    try:
        rendered = render(document)
        return rendered, submission_object(parse_manifest(rendered), default_namespace)
    except (RenderError, CapacityError) as error:
        raise SubmitError(str(error)) from error


def create(document: ConfigDocument, *, kubeconfig: Path | None, context: str | None, now: datetime) -> Submission:
    """Validate, render, write run/<timestamp>/ and create the object in the current context's cluster."""
    from kubernetes import client, config

    if document.template.kind != "crd":
        raise SubmitError(f"{document.template.name} is created through CloudFormation; use `hyp create` for it")
    rendered, obj = prepare(document, context_namespace(kubeconfig, context) or "default")
    kind = SUBMITTED_KINDS.get(obj.get("kind", ""))
    if kind is None:
        raise SubmitError(f"Unsupported kind: {obj.get('kind')}")
    try:
        api_client = config.new_client_from_config(str(kubeconfig) if kubeconfig else None, context=context)
    except (config.ConfigException, OSError) as error:
        raise SubmitError(f"Cannot use kubeconfig: {error}") from error
    run = write_run(document, rendered, now)
    namespace = obj["metadata"]["namespace"]
    try:
        with api_client:
            created = client.CustomObjectsApi(api_client).create_namespaced_custom_object(
                kind.group, kind.version, namespace, kind.plural, obj
            )
    except client.ApiException as error:
        raise SubmitError(f"Failed to submit the command: {_api_reason(error)}") from error
    return Submission(run, kind, namespace, obj["metadata"]["name"], created)


@dataclass(frozen=True, slots=True)
class StackSubmission:
    run: RunRecord
    stack_name: str
    stack_id: str


def create_cluster_stack(document: ConfigDocument, gateway: AwsGateway, *, now: datetime) -> StackSubmission:
    """`hyp create` of a cluster-stack directory: validate, render cfn_params.yaml into run/<timestamp>/, and create
    the CloudFormation stack with the parameters hyp derives from config.yaml (hyp_configs.cluster_stack_params)."""
    problems = hyp_messages(document.template, document.values)
    if problems:
        raise SubmitError("Config validation errors", problems)
    try:
        rendered = render(document)
        request = stack_request(document.values, gateway.region)
    except (RenderError, ClusterStackParamsError, AwsFailure) as error:
        raise SubmitError(str(error)) from error
    run = write_run(document, rendered, now)
    try:
        stack_id = gateway.create_stack(
            request.name, request.parameters, template_url=request.template_url, tags=request.tags
        )
    except AwsFailure as error:
        raise SubmitError(f"Failed to submit the command: {error}") from error
    return StackSubmission(run, request.name, stack_id)


def _api_reason(error: Any) -> str:
    try:
        return json.loads(error.body).get("message") or error.reason
    except (TypeError, ValueError, AttributeError):
        return f"{error.status} {error.reason}"
