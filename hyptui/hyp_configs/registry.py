"""Every template hyptui can initialise, keyed by template name and schema version, as `hyp`'s TEMPLATES table is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel

from hyptui.hyp_configs import cluster_stack, custom_endpoint, jumpstart_endpoint, pytorch_job, space

# Fields `hyp` keeps out of config.yaml (fixed values of the cluster-stack template).
EXCLUDED_FIELDS = frozenset({"custom_bucket_name", "github_raw_url", "helm_repo_url", "helm_repo_path"})
CRD_README = "README.crd.md"
CFN_README = "README.cfn.md"


@dataclass(frozen=True, slots=True)
class ConfigField:
    """One config.yaml key: what the form shows and what the writer puts above it."""

    name: str
    description: str
    required: bool
    default: Any
    annotation: Any

    @property
    def comment(self) -> str:
        return f"[Required] {self.description}" if self.required else self.description


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    name: str
    version: str
    model: type[BaseModel]
    kind: Literal["crd", "cfn"]
    template_file: str | None  # the jinja file `hyp init` writes beside config.yaml; None where hyp has no init
    yaml_order: tuple[str, ...] | None = None  # config.yaml order when it differs from the model's field order
    volume_field: str | None = None  # the field `hyp` reads and writes with its volume handler
    # where hyp has no template file: the object `hyp create` builds from the validated model
    manifest: Callable[[Any], dict[str, Any]] | None = None

    @property
    def rendered_file(self) -> str:
        return "cfn_params.yaml" if self.kind == "cfn" else "k8s.yaml"

    @property
    def readme(self) -> str:
        return CFN_README if self.kind == "cfn" else CRD_README

    def template_text(self) -> str:
        if self.template_file is None:
            raise LookupError(f"{self.name} {self.version} has no template file")
        return _package_text(f"{self.name}/{self.version}/{self.template_file}")

    def readme_text(self) -> str:
        return _package_text(self.readme)

    def fields(self) -> tuple[ConfigField, ...]:
        """config.yaml's keys in hyp's order: required fields first, then the rest; deprecated fields left out."""
        names = self.yaml_order or tuple(self.model.model_fields)
        every = [self._field(name) for name in names if name not in EXCLUDED_FIELDS and not self.is_deprecated(name)]
        return tuple(f for f in every if f.required) + tuple(f for f in every if not f.required)

    def field(self, name: str) -> ConfigField:
        if name not in self.model.model_fields:
            raise KeyError(f"{self.name} {self.version} has no field {name!r}")
        return self._field(name)

    def is_deprecated(self, name: str) -> bool:
        extra = self.model.model_fields[name].json_schema_extra
        return isinstance(extra, dict) and bool(extra.get("deprecated"))

    def _field(self, name: str) -> ConfigField:
        info = self.model.model_fields[name]
        required = info.is_required()
        return ConfigField(
            name=name,
            description=info.description or "",
            required=required,
            default=None if required else info.get_default(call_default_factory=True),
            annotation=info.annotation,
        )


def _package_text(relative: str) -> str:
    return resources.files("hyptui.hyp_configs").joinpath("templates", relative).read_bytes().decode("utf-8")


_ALL = (
    TemplateSpec("hyp-pytorch-job", "1.0", pytorch_job.PyTorchJobConfigV1_0, "crd", "k8s.jinja", volume_field="volume"),
    TemplateSpec(
        "hyp-pytorch-job",
        "1.1",
        pytorch_job.PyTorchJobConfigV1_1,
        "crd",
        "k8s.jinja",
        yaml_order=pytorch_job.YAML_ORDER_V1_1,
        volume_field="volume",
    ),
    TemplateSpec("hyp-custom-endpoint", "1.2", custom_endpoint.FlatHPEndpointV1_2, "crd", "k8s.jinja"),
    TemplateSpec("hyp-jumpstart-endpoint", "1.2", jumpstart_endpoint.FlatHPJumpStartEndpointV1_2, "crd", "k8s.jinja"),
    TemplateSpec("cluster-stack", "1.0", cluster_stack.ClusterStackV1_0, "cfn", "cfn_params.jinja"),
    # hyp has no init template for spaces; hyptui keeps `hyp create hyp-space`'s fields in the same file layout.
    TemplateSpec("hyp-space", "1.1", space.SpaceConfigV1_1, "crd", None, manifest=space.workspace_manifest),
)
TEMPLATES: dict[str, dict[str, TemplateSpec]] = {}
for _spec in _ALL:
    TEMPLATES.setdefault(_spec.name, {})[_spec.version] = _spec


def _version_key(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return (0, 0)


def latest_version(template: str) -> str:
    return max(TEMPLATES[template], key=_version_key)


def get_template(template: str, version: str | None = None) -> TemplateSpec:
    """The spec for a template name and schema version (latest when None); KeyError names what is allowed."""
    versions = TEMPLATES.get(template)
    if versions is None:
        raise KeyError(f"Unknown template '{template}'; choose one of: {', '.join(TEMPLATES)}")
    chosen = version or latest_version(template)
    if chosen not in versions:
        raise KeyError(f"Unsupported schema version: {chosen} (template {template} has {', '.join(versions)})")
    return versions[chosen]
