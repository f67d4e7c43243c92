"""What `hyp create` makes of a directory: the rendered template, the `run/<timestamp>/` record, and the object the SDK
actually submits (for jobs it rewrites requests and limits from the instance table, so it differs from k8s.yaml)."""

from __future__ import annotations

import copy
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
import yaml
from pydantic import ValidationError

from hyptui.hyp_configs.capacity import submission_resources
from hyptui.hyp_configs.config_file import CONFIG_FILE, FILE_MODE, ConfigDocument
from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS
from hyptui.hyperpod.labels import INSTANCE_TYPE_LABEL

RUN_DIRECTORY = "run"
RUN_STAMP = "%Y%m%dT%H%M%S"


class RenderError(Exception):
    """The template file is missing or does not render; the message says which and why."""


@dataclass(frozen=True, slots=True)
class RunRecord:
    directory: Path  # run/<timestamp>
    config: Path
    rendered: Path


def render(document: ConfigDocument) -> str:
    """The directory's template file rendered with config.yaml's values, as `hyp create` does (jinja2, no escaping)."""
    spec = document.template
    if spec.template_file is None:
        return _built_manifest(document)
    template_path = document.directory / spec.template_file
    if not template_path.is_file():
        raise RenderError(f"Missing config.yaml or {spec.template_file}. Run `hyptui init` first.")
    data = yaml.safe_load(document.text()) or {}
    try:
        return jinja2.Template(template_path.read_text(encoding="utf-8")).render(**data)
    except jinja2.TemplateError as error:
        raise RenderError(f"Failed to render template: {error}") from error


def _built_manifest(document: ConfigDocument) -> str:
    """For a template hyp creates from flags alone (hyp-space): the object its model builds, as YAML."""
    spec = document.template
    if spec.manifest is None:
        raise RenderError(f"{spec.name} has no template file to render (hyp creates it from flags only)")
    try:
        config = spec.model.model_validate({k: v for k, v in document.values.items() if v is not None})
    except ValidationError as error:
        raise RenderError(f"config.yaml does not validate: {error.error_count()} problem(s)") from error
    return yaml.safe_dump(spec.manifest(config), sort_keys=False)


def write_run(document: ConfigDocument, rendered: str, now: datetime) -> RunRecord:
    """`run/<YYYYmmddTHHMMSS>/` with a copy of config.yaml and the rendered file; it appears whole or not at all."""
    run_root = document.directory / RUN_DIRECTORY
    target = run_root / now.strftime(RUN_STAMP)
    if target.exists():
        raise RenderError(f"{target} already exists; wait a second and try again")
    run_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=run_root))
    try:
        shutil.copyfile(document.directory / CONFIG_FILE, staging / CONFIG_FILE)
        (staging / document.template.rendered_file).write_text(rendered, encoding="utf-8")
        for path in staging.iterdir():
            path.chmod(FILE_MODE)
        staging.chmod(0o755)
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return RunRecord(target, target / CONFIG_FILE, target / document.template.rendered_file)


def parse_manifest(rendered: str) -> dict[str, Any]:
    try:
        manifest = yaml.safe_load(rendered)
    except yaml.YAMLError as error:
        raise RenderError(f"The rendered manifest is not valid YAML: {error}") from error
    if not isinstance(manifest, dict) or "kind" not in manifest:
        raise RenderError("The rendered manifest is not a Kubernetes object (no kind)")
    return manifest


def submission_object(manifest: dict[str, Any], default_namespace: str) -> dict[str, Any]:
    """The object `hyp create` sends for a rendered manifest.

    For a HyperPodPyTorchJob the SDK fills its model defaults (one replica, no spares, runPolicy's cleanup), drops empty
    values, and replaces the first container's requests and limits with those it derives from the instance type.
    Raises CapacityError with the SDK's message where it refuses the job.
    """
    obj = _without_none(copy.deepcopy(manifest))
    metadata = obj.setdefault("metadata", {})
    metadata.setdefault("namespace", default_namespace)
    if obj.get("kind") != HYPERPOD_PYTORCH_JOBS.kind:
        return obj
    spec = obj.setdefault("spec", {})
    spec.setdefault("nprocPerNode", "auto")
    for replica_spec in spec.get("replicaSpecs") or []:
        replica_spec.setdefault("replicas", 0)
        replica_spec.setdefault("spares", 0)
    if "runPolicy" in spec:
        spec["runPolicy"].setdefault("cleanPodPolicy", "All")
        spec["runPolicy"].setdefault("ttlSecondsAfterFinished", 0)
    replica_specs = spec.get("replicaSpecs") or []
    if replica_specs:
        _apply_instance_resources(replica_specs[0])
        if not replica_specs[0].get("replicas"):
            replica_specs[0]["replicas"] = 1
    return obj


def _apply_instance_resources(replica_spec: dict[str, Any]) -> None:
    pod = (replica_spec.get("template") or {}).get("spec") or {}
    containers = pod.get("containers") or []
    if not containers:
        return
    resources = containers[0].setdefault("resources", {})
    instance_type = (pod.get("nodeSelector") or {}).get(INSTANCE_TYPE_LABEL)
    derived = submission_resources(
        instance_type,
        dict(resources.get("requests") or {}),
        dict(resources.get("limits") or {}),
        replica_spec.get("replicas"),
    )
    if derived is not None:
        resources["requests"], resources["limits"] = derived


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value
