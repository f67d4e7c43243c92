"""`create`: validate, render, record under run/<timestamp>/ and submit to the kubeconfig's cluster, as `hyp create`
does, except that hyptui refuses what the SDK would refuse before anything is written or sent. The app submits through
its own gateway's connection (`submit`); the command line opens one of its own (`create`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
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
from hyptui.kube.api import ApiRequestError, KubeApi
from hyptui.kube.kubeconfig import KubeConfigError, kubeconfig_paths, load_kubeconfig
from hyptui.kube.target import KubeTarget

if TYPE_CHECKING:
    from hyptui.aws.gateway import AwsGateway

SUBMITTED_KINDS = {k.kind: k for k in (HYPERPOD_PYTORCH_JOBS, INFERENCE_ENDPOINT_CONFIGS, JUMPSTART_MODELS, WORKSPACES)}

# POSTs an object of a kind into a namespace and returns it as stored (KubeGateway.create is one)
CreateObject = Callable[[ResourceKind, str, dict[str, Any]], Awaitable[dict[str, Any]]]


class SubmitError(Exception):
    """Nothing was created; `messages` holds the field messages when validation was the reason."""

    def __init__(self, message: str, messages: list[FieldMessage] | None = None) -> None:
        super().__init__(message)
        self.messages = messages or []

    @property
    def details(self) -> str:
        """The reason, then each field message on a line of its own, as hyp lists them."""
        return "\n".join([str(self), *(f"  \u2013 {message}" for message in self.messages)])


@dataclass(frozen=True, slots=True)
class Submission:
    run: RunRecord
    kind: ResourceKind
    namespace: str
    name: str
    created: dict[str, Any]  # the object as the API server stored it


def context_namespace(kubeconfig: Path | None, context: str | None) -> str | None:
    """The namespace of the kubeconfig context (None when it has none or the kubeconfig cannot be read: connecting
    says why)."""
    try:
        return load_kubeconfig(kubeconfig_paths(kubeconfig)).context(context).namespace
    except KubeConfigError:
        return None


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


@dataclass(frozen=True, slots=True)
class Manifest:
    """A directory that passed: the template as rendered (recorded under run/) and the object it makes."""

    document: ConfigDocument
    rendered: str
    kind: ResourceKind
    body: dict[str, Any]


def manifest(document: ConfigDocument, default_namespace: str) -> Manifest:
    """What `create` would submit, or SubmitError naming why nothing may be written or sent."""
    if document.template.kind != "crd":
        raise SubmitError(f"{document.template.name} is created through CloudFormation; use `hyp create` for it")
    rendered, obj = prepare(document, default_namespace)
    kind = SUBMITTED_KINDS.get(obj.get("kind", ""))
    if kind is None:
        raise SubmitError(f"Unsupported kind: {obj.get('kind')}")
    return Manifest(document, rendered, kind, obj)


async def submit(ready: Manifest, create_object: CreateObject, *, now: datetime) -> Submission:
    """Write run/<timestamp>/ and create the object through `create_object` (the app's gateway, or `create`'s own)."""
    run = await asyncio.to_thread(write_run, ready.document, ready.rendered, now)  # disk, off the app's loop
    namespace = ready.body["metadata"]["namespace"]
    try:
        created = await create_object(ready.kind, namespace, ready.body)
    except ApiRequestError as error:
        reason = error.message or f"{error.status} {error.reason}"
        raise SubmitError(f"Failed to submit the command: {reason}") from error
    return Submission(run, ready.kind, namespace, ready.body["metadata"]["name"], created)


def create(document: ConfigDocument, *, kubeconfig: Path | None, context: str | None, now: datetime) -> Submission:
    """`hyptui create`: validate, then connect to the context's cluster, write run/<timestamp>/, create the object."""
    ready = manifest(document, context_namespace(kubeconfig, context) or "default")
    return asyncio.run(_submit_connected(ready, KubeTarget(kubeconfig=kubeconfig, context=context), now))


async def _submit_connected(ready: Manifest, target: KubeTarget, now: datetime) -> Submission:
    try:
        api = await KubeApi.connect(target)
    except KubeConfigError as error:
        raise SubmitError(f"Cannot use kubeconfig: {error}") from error
    try:
        return await submit(
            ready, lambda kind, namespace, body: api.create(kind.collection_path(namespace), body), now=now
        )
    finally:
        await api.close()


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
