"""Table column specs and how many of them fit: lower-priority columns drop first in narrow terminals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    key: str
    label: str
    width: int  # the width it gets; a flexible column's minimum
    priority: int = 0  # 0 always shows; higher numbers drop first when space runs out
    flex_max: int = 0  # >0: the column grows into spare width, up to this many cells
    toned: bool = False  # coloured by how alarming its text is (see hyptui.views.tones)


def fit_columns(specs: Sequence[ColumnSpec], available: int, padding: int = 2) -> list[tuple[ColumnSpec, int]]:
    """The columns that fit in `available` cells (each costing width + padding), in their original order."""
    chosen: set[str] = set()
    used = 0
    for spec in sorted(specs, key=lambda s: s.priority):
        cost = spec.width + padding
        if spec.priority > 0 and used + cost > available:
            continue
        chosen.add(spec.key)
        used += cost
    spare = max(0, available - used)
    fitted = []
    for spec in specs:
        if spec.key not in chosen:
            continue
        width = spec.width
        if spec.flex_max and spare:
            grow = min(spare, spec.flex_max - spec.width)
            width += grow
            spare -= grow
        fitted.append((spec, width))
    return fitted


JOB_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("name", "NAME", 24, flex_max=48),
    ColumnSpec("namespace", "NAMESPACE", 18, priority=2),
    ColumnSpec("status", "STATUS", 10, toned=True),
    ColumnSpec("ready", "READY", 5),
    ColumnSpec("restarts", "RESTARTS", 8, priority=1),
    ColumnSpec("age", "AGE", 6),
)

POD_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("name", "NAME", 24, flex_max=48),
    ColumnSpec("node", "NODE", 28, priority=2),  # hyperpod-i-<17 hex>
    ColumnSpec("status", "STATUS", 17, toned=True),
    ColumnSpec("ready", "READY", 5, priority=1),
    ColumnSpec("restarts", "RESTARTS", 15, priority=1),  # "12 (5m30s ago)"
    ColumnSpec("age", "AGE", 6),
)

# the pods section: every watched pod, with the job (HPJob label) or endpoint (app label) it belongs to
ALL_POD_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("name", "NAME", 24, flex_max=48),
    ColumnSpec("namespace", "NAMESPACE", 18, priority=2),
    ColumnSpec("owner", "JOB/APP", 18, priority=1),
    *POD_COLUMNS[1:],
)

CONFIG_DIRECTORY_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("directory", "DIRECTORY", 24, flex_max=60),
    ColumnSpec("template", "TEMPLATE", 22),
    ColumnSpec("version", "VERSION", 7, priority=2),
    ColumnSpec("state", "STATE", 10, toned=True),
    ColumnSpec("problems", "PROBLEMS", 8),
    ColumnSpec("runs", "RUNS", 4, priority=1),
    ColumnSpec("modified", "MODIFIED (UTC)", 16, priority=1),
)

NODE_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("name", "NAME", 28),
    ColumnSpec("instance_type", "INSTANCE TYPE", 15),
    ColumnSpec("group", "GROUP", 28, priority=3),
    ColumnSpec("status", "STATUS", 10, priority=1, toned=True),
    ColumnSpec("health", "HEALTH", 12, toned=True),
    ColumnSpec("deep_health", "DEEP HEALTH", 11, priority=2, toned=True),
    ColumnSpec("gpus", "GPUS", 5),
    ColumnSpec("pods", "PODS", 4, priority=1),
    ColumnSpec("age", "AGE", 6, priority=1),
)

PROBLEM_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("severity", "SEVERITY", 8, toned=True),
    ColumnSpec("kind", "KIND", 4),
    ColumnSpec("namespace", "NAMESPACE", 18, priority=2),
    ColumnSpec("name", "NAME", 24, flex_max=36),
    ColumnSpec("reason", "PROBLEM", 31),
    ColumnSpec("detail", "DETAIL", 30, priority=1, flex_max=120),
    ColumnSpec("age", "SINCE", 6, priority=1),
)

EVENT_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("last_seen", "LAST SEEN", 9),
    ColumnSpec("type", "TYPE", 7, toned=True),
    ColumnSpec("reason", "REASON", 28, priority=1),
    ColumnSpec("namespace", "NAMESPACE", 18, priority=3),
    ColumnSpec("object", "OBJECT", 30, flex_max=50),
    ColumnSpec("count", "COUNT", 5, priority=2),
    ColumnSpec("message", "MESSAGE", 30, priority=1, flex_max=200),
)

WORKLOAD_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("job", "JOB", 24, flex_max=40),
    ColumnSpec("namespace", "NAMESPACE", 18, priority=2),
    ColumnSpec("priority", "PRIORITY", 24, priority=1),
    ColumnSpec("state", "STATE", 13, toned=True),
    ColumnSpec("position", "POS", 3),
    ColumnSpec("gpus", "GPUS", 4),
    ColumnSpec("waiting", "FOR", 6),
    ColumnSpec("message", "KUEUE SAYS", 30, priority=3, flex_max=200),
)

SPACE_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("name", "NAME", 22, flex_max=40),
    ColumnSpec("namespace", "NAMESPACE", 18, priority=2),
    ColumnSpec("app", "APP", 11),
    ColumnSpec("status", "STATUS", 9, toned=True),
    ColumnSpec("available", "AVAILABLE", 9, priority=1, toned=True),
    ColumnSpec("owner_access", "OWNER/ACCESS", 17, priority=3),
    ColumnSpec("resources", "RESOURCES", 22, priority=1, flex_max=36),
    ColumnSpec("age", "AGE", 6),
)

SPACE_TEMPLATE_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("name", "NAME", 30, flex_max=40),
    ColumnSpec("namespace", "NAMESPACE", 18, priority=2),
    ColumnSpec("display_name", "DISPLAY NAME", 22, priority=1),
    ColumnSpec("app", "APP", 11),
    ColumnSpec("default", "DEFAULT", 7, priority=2),
    ColumnSpec("resources", "RESOURCES", 16, priority=3),
    ColumnSpec("default_image", "DEFAULT IMAGE", 24, priority=1, flex_max=70),
    ColumnSpec("age", "AGE", 6, priority=1),
)

ENDPOINT_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("name", "NAME", 22),
    ColumnSpec("namespace", "NAMESPACE", 18, priority=3),
    ColumnSpec("kind", "KIND", 9, priority=1),
    ColumnSpec("model", "MODEL", 24, priority=1, flex_max=48),  # JumpStart model ids run to 40 characters
    ColumnSpec("instance_type", "INSTANCE TYPE", 14, priority=2),
    ColumnSpec("replicas", "REPLICAS", 8),
    ColumnSpec("deployment", "DEPLOYMENT", 20, toned=True),  # DeploymentInProgress
    ColumnSpec("sagemaker", "SAGEMAKER", 18, toned=True),  # CreationInProgress
    ColumnSpec("age", "AGE", 6),
)
