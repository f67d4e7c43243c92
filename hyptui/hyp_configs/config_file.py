"""config.yaml as `hyp init` / `hyp configure` read and write it, byte for byte.

Layout (hyp's `save_config_yaml`): `# template: <name>`, `# version: <x.y>`, a blank line, then per field a
`# <description>` comment (`[Required] ` first for required fields), `key: value` and a blank line. Values are written
with Python's `str()`: empty as `key: ` (YAML null), dicts as Python reprs (`{'A': 'b'}`, which YAML reads back),
lists as `  - item` blocks (`key: []` when empty), volumes as blocks of `name/type/mount_path/...` lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from hyptui.hyp_configs.lock import read_lock, write_lock
from hyptui.hyp_configs.pytorch_job import VolumeConfig
from hyptui.hyp_configs.registry import TEMPLATES, TemplateSpec, get_template
from hyptui.settings.atomic_file import write_atomic

CONFIG_FILE = "config.yaml"
FILE_MODE = 0o644  # what hyp's open(..., "w") leaves under the usual umask; teammates read these directories


class ConfigFileError(Exception):
    """config.yaml is missing, unreadable or names a template this directory was not initialised with."""


@dataclass(frozen=True, slots=True)
class ConfigDocument:
    """One initialised directory: its template and config.yaml's values, as YAML reads them."""

    directory: Path
    template: TemplateSpec
    values: Mapping[str, Any] = field(default_factory=dict)
    source_text: str | None = None  # the file as read; saved back untouched until a value changes

    @classmethod
    def load(cls, directory: Path) -> ConfigDocument:
        path = directory / CONFIG_FILE
        if not path.is_file():
            raise ConfigFileError(f"No config.yaml found in {directory}. Run 'hyptui init <template>' there first.")
        text = path.read_text(encoding="utf-8")
        template, version, values = parse_config_text(text)
        if not template or template not in TEMPLATES:
            raise ConfigFileError(f"Unknown template '{template}' in config.yaml")
        locked = read_lock(directory)
        if locked is not None and locked != template:
            raise ConfigFileError(
                f"Template mismatch: config.yaml says '{template}' but this directory was initialized with "
                f"'{locked}'. Do not edit the '# template:' line in config.yaml."
            )
        try:
            spec = get_template(template, version)
        except KeyError as error:
            raise ConfigFileError(error.args[0]) from error
        return cls(directory, spec, values, source_text=text)

    def update(self, changes: Mapping[str, Any]) -> ConfigDocument:
        """A copy with these fields set (None clears one); only the template's own fields can be set."""
        unknown = sorted(set(changes) - set(self.template.model.model_fields))
        if unknown:
            allowed = ", ".join(f.name for f in self.template.fields())
            raise KeyError(
                f"{self.template.name} {self.template.version} has no field {unknown[0]!r}; fields: {allowed}"
            )
        return replace(self, values={**self.values, **changes}, source_text=None)

    def text(self) -> str:
        if self.source_text is not None:
            return self.source_text
        return config_text(self.template, self.values)

    def save(self) -> Path:
        """Write config.yaml (atomically) and the `.hyp` lock beside it."""
        path = self.directory / CONFIG_FILE
        write_atomic(path, self.text(), mode=FILE_MODE)
        write_lock(self.directory, self.template.name)
        return path


def parse_config_text(text: str) -> tuple[str | None, str | None, dict[str, Any]]:
    """(template, version, values) of a config.yaml; template and version come from the header comments."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise ConfigFileError(f"config.yaml is not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise ConfigFileError("config.yaml must be a mapping of field names to values")
    template = version = None
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("# template:"):
            template = stripped.split(":", 1)[1].strip()
        elif stripped.startswith("# version:"):
            version = stripped.split(":", 1)[1].strip()
    # files from before the header comments carried them as keys
    template = template or data.get("template")
    version = version or str(data.get("version", "1.0"))
    values = {k: v for k, v in data.items() if k not in ("template", "version")}
    return template, version, values


def initial_values(spec: TemplateSpec, namespace: str = "default") -> dict[str, Any]:
    """What `hyp init` fills in: schema defaults, and the kube context's namespace where the template has one."""
    values = {f.name: f.default for f in spec.fields() if f.default is not None}
    if "namespace" in spec.model.model_fields and values.get("namespace") is None:
        values["namespace"] = namespace
    return values


def config_text(spec: TemplateSpec, values: Mapping[str, Any]) -> str:
    parts = [f"# template: {spec.name}\n", f"# version: {spec.version}\n\n"]
    for config_field in spec.fields():
        if config_field.comment:
            parts.append(f"# {config_field.comment}\n")
        value = values.get(config_field.name)
        if config_field.name == spec.volume_field:  # hyp's volume writer, which writes `[]` for none
            parts.append(_volume_text(config_field.name, value))
        else:
            parts.append(_value_text(config_field.name, value))
    return "".join(parts)


def _value_text(key: str, value: Any) -> str:
    if isinstance(value, list):
        if not value:
            return f"{key}: []\n\n"
        return f"{key}:\n" + "".join(f"  - {item}\n" for item in value) + "\n"
    return f"{key}: {'' if value is None else value}\n\n"


def _volume_text(key: str, volumes: Any) -> str:
    # hyp rebuilds each entry as a VolumeConfig before writing (so `read_only: 'true'` becomes True); an entry that
    # does not validate is written as the user left it rather than lost.
    entries = []
    for raw in volumes if isinstance(volumes, list) else []:
        if not isinstance(raw, dict):
            continue
        try:
            entries.append(VolumeConfig.model_validate(raw).model_dump())
        except ValueError:
            entries.append(raw)
    if not entries:
        return f"{key}: []\n\n"
    lines = [f"{key}:\n"]
    for volume in entries:
        lines.append(f"  - name: {volume.get('name')}\n")
        lines.append(f"    type: {volume.get('type')}\n")
        lines.append(f"    mount_path: {volume.get('mount_path')}\n")
        if volume.get("path"):
            lines.append(f"    path: {volume['path']}\n")
        if volume.get("claim_name"):
            lines.append(f"    claim_name: {volume['claim_name']}\n")
        if volume.get("read_only") is not None:
            lines.append(f"    read_only: {volume['read_only']}\n")
        lines.append("\n")
    return "".join(lines)


class AlreadyInitialized(ConfigFileError):
    """The directory already has a config.yaml; `force` overrides it, as answering yes to hyp's prompt does."""


def init_directory(
    directory: Path, template: str, version: str | None = None, *, namespace: str = "default", force: bool = False
) -> ConfigDocument:
    """What `hyp init TEMPLATE DIRECTORY` writes: config.yaml with defaults, the template file, README.md, `.hyp`."""
    spec = get_template(template, version)
    existing = None
    if (directory / CONFIG_FILE).is_file():
        existing, _, _ = parse_config_text((directory / CONFIG_FILE).read_text(encoding="utf-8"))
        if not force:
            if existing == template:
                raise AlreadyInitialized(f"config.yaml already initialized as '{template}'. Use --force to override.")
            raise AlreadyInitialized(
                f"Directory already initialized as '{existing}'. Initialise '{template}' in a new directory, "
                "or use --force to re-initialize this one."
            )
    document = ConfigDocument(directory, spec, initial_values(spec, namespace))
    document.save()
    if spec.template_file is None:  # hyp-space: no template, and hyp's README would describe one
        return document
    write_atomic(directory / spec.template_file, spec.template_text(), mode=FILE_MODE)
    if existing != template:  # hyp keeps the README when the same template is initialised again
        write_atomic(directory / "README.md", spec.readme_text(), mode=FILE_MODE)
    return document
