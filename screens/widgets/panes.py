"""The bordered panes screens stack around their table: the one under a section's table about its selected row, a
failure's, and the panes of a detail (spec, conditions, pods, faults, events)."""

from __future__ import annotations

from textual.widgets import Static

# the pods section's table looks like the job detail's pods pane
PODS_PANE_CSS = """
#pods {
    height: auto;
    min-height: 5;
    max-height: 16;
    border: round $panel;
    border-title-color: $accent;
}
"""

# a detail screen's DEFAULT_CSS starts with these (StaticTable draws the conditions', faults' and events' borders)
DETAIL_PANES_CSS = (
    PODS_PANE_CSS
    + """
#spec {
    width: 1fr;
    height: auto;
    padding: 0 1;
    border: round $panel;
    border-title-color: $accent;
}

#conditions {
    width: 1fr;
    height: auto;
    max-height: 12;
}

#faults {
    height: auto;
    max-height: 8;
}

#events {
    height: 1fr;
    min-height: 6;
}
"""
)


class FailurePane(Static):
    """Why something failed, in the theme's bad colour, shown only while there is a failure."""

    DEFAULT_CSS = """
    FailurePane {
        height: auto;
        padding: 0 1;
        color: $status-bad;
        border: round $status-bad;
        border-title-color: $status-bad;
    }
    """


class SelectedRowPane(Static):
    """Under a section's table: what the selected row is, or why it waits."""

    DEFAULT_CSS = """
    SelectedRowPane {
        height: auto;
        min-height: 3;
        padding: 0 1;
        border: round $primary;
        border-title-color: $accent;
    }
    """
