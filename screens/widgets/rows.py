"""Row builders and row keys more than one section's table shares."""

from __future__ import annotations

from hyptui.screens.widgets.resource_table import TableRow
from hyptui.store.state import ObjectKey
from hyptui.views.pods import PodRow


def split_key(key: str) -> ObjectKey:
    """A `namespace/name` row key back into the object's key."""
    namespace, _, name = key.partition("/")
    return (namespace, name)


def pod_table_row(row: PodRow, *, qualified: bool = False) -> TableRow:
    """A pod as the pod tables show it; `qualified` keys it by namespace/name (tables spanning namespaces)."""
    namespace, name = row.key
    return TableRow(
        key=f"{namespace}/{name}" if qualified else name,
        cells={
            "name": row.name,
            "namespace": row.namespace,
            "owner": row.owner,
            "node": row.node,
            "status": row.status,
            "ready": row.ready,
            "restarts": row.restarts,
            "age": row.age,
        },
        sort_values={"age": -row.created.timestamp() if row.created else None},
        labels=row.labels,
    )
