"""Merge a cluster, user and context into a kubeconfig file as kind and `aws eks update-kubeconfig` do: replace only
entries of the same names, keep every other entry as it was, make the context current, keep the previous file as
`<name>.hyptui-backup`, and write atomically (through a symlinked `~/.kube/config` to its target).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from hyptui.settings.atomic_file import write_atomic

BACKUP_SUFFIX = ".hyptui-backup"


class KubeconfigError(Exception):
    """The kubeconfig cannot be read or is not a kubeconfig; nothing was written."""


@dataclass(frozen=True, slots=True)
class KubeconfigMerge:
    path: Path
    backup: Path | None  # None when there was no previous file
    replaced_cluster: bool  # a cluster of the same name was there before


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + BACKUP_SUFFIX)


def merge_into_kubeconfig(
    path: Path, *, cluster: Mapping[str, Any], user: Mapping[str, Any], context: Mapping[str, Any]
) -> KubeconfigMerge:
    """Put the named entries (`{"name": ..., "cluster": {...}}` and so on) into `path`; the context becomes current."""
    previous = _read(path)
    config = _loaded(path, previous)
    replaced = any(isinstance(e, dict) and e.get("name") == cluster["name"] for e in config["clusters"])
    _insert(config["clusters"], dict(cluster))
    _insert(config["users"], dict(user))
    _insert(config["contexts"], dict(context))
    config["current-context"] = context["name"]
    backup = None
    if previous is not None:
        backup = backup_path(path)
        write_atomic(backup, previous)
    write_atomic(path, yaml.safe_dump(config, sort_keys=False))
    return KubeconfigMerge(path, backup, replaced)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as error:
        raise KubeconfigError(f"the kubeconfig {path} is not UTF-8 text") from error
    except OSError as error:
        raise KubeconfigError(f"cannot read the kubeconfig {path}: {error.strerror}") from error


def _loaded(path: Path, text: str | None) -> dict[str, Any]:
    try:
        config = yaml.safe_load(text) if text else None
    except yaml.YAMLError as error:
        raise KubeconfigError(f"the kubeconfig {path} is not valid YAML: {error}") from error
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise KubeconfigError(f"the kubeconfig {path} is not a mapping of clusters, users and contexts")
    config.setdefault("apiVersion", "v1")
    config.setdefault("kind", "Config")
    config.setdefault("preferences", {})
    for key in ("clusters", "users", "contexts"):
        if config.get(key) is None:
            config[key] = []
        if not isinstance(config[key], list):
            raise KubeconfigError(f"the kubeconfig {path} has {key} that is not a list")
    return config


def _insert(entries: list[Any], entry: dict[str, Any]) -> None:
    """Replace the entry of the same name in place, or append: other entries stay as they are."""
    for index, existing in enumerate(entries):
        if isinstance(existing, dict) and existing.get("name") == entry["name"]:
            entries[index] = entry
            return
    entries.append(entry)
