"""Label/value pairs as a compact two-column-pair table, read down the left half first, so a detail's summary takes
half the height it would in one column."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table


def fields_table(fields: Sequence[tuple[str, str]]) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
    for _ in range(2):
        table.add_column(style="bold", no_wrap=True)
        table.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
    half = (len(fields) + 1) // 2
    left, right = fields[:half], fields[half:]
    for index, (label, value) in enumerate(left):
        table.add_row(label, value, *(right[index] if index < len(right) else ("", "")))
    return table
