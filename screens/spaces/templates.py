"""The spaces add-on's WorkspaceTemplates (`hyp list hyp-space-template`), with what the highlighted one gives a space
that leaves a field unset (`hyp describe hyp-space-template`); Enter or `y` shows it whole."""

from __future__ import annotations

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from hyptui.hyperpod.kinds import WORKSPACE_TEMPLATES
from hyptui.screens.shell.table_screen import TableScreen
from hyptui.screens.shell.verb_bindings import bindings
from hyptui.screens.widgets.panes import SelectedRowPane
from hyptui.screens.widgets.resource_table import TableRow
from hyptui.screens.widgets.rows import split_key
from hyptui.store.selectors import get_object
from hyptui.store.state import AppState, KubeObject
from hyptui.views.columns import SPACE_TEMPLATE_COLUMNS
from hyptui.views.spaces import TemplateRow, template_description, template_rows


def template_table_row(row: TemplateRow) -> TableRow:
    return TableRow(
        key=f"{row.namespace}/{row.name}",
        cells={
            "name": row.name,
            "namespace": row.namespace,
            "display_name": row.display_name,
            "app": row.app,
            "default": "yes" if row.default else "",
            "resources": row.resources,
            "default_image": row.default_image,
            "age": row.age,
        },
        sort_values={"age": -row.created.timestamp() if row.created else None},
    )


class SpaceTemplatesScreen(TableScreen):
    DEFAULT_CSS = """
    #template-describe {
        max-height: 16;
    }
    """
    BINDINGS = bindings("yaml")
    TITLE_TEXT = "Space templates · WorkspaceTemplate"
    COLUMNS = SPACE_TEMPLATE_COLUMNS
    TABLE_ID = "templates"
    KINDS = (WORKSPACE_TEMPLATES,)

    def __init__(self) -> None:
        super().__init__()
        self._described: KubeObject | None = None

    def compose_below_table(self) -> ComposeResult:
        yield SelectedRowPane(id="template-describe")

    def on_mount(self) -> None:
        self.query_one("#template-describe").border_title = "Describe"
        super().on_mount()

    def show_state(self, state: AppState) -> None:
        self.table.set_rows([template_table_row(row) for row in template_rows(state, self.hyptui.clock())])
        self._describe()
        self._update_status()

    def _describe(self) -> None:
        key = self.table.selected_key
        template = get_object(self.hyptui.store.state, WORKSPACE_TEMPLATES.key, split_key(key)) if key else None
        if template is not None and template is self._described:
            return  # redrawn every second otherwise
        self._described = template
        table = Table(box=None, show_header=False, padding=(0, 1, 0, 0), expand=True)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(ratio=1)
        for label, value in template_description(template.raw) if template else ():
            table.add_row(label, value)
        self.query_one("#template-describe", Static).update(table if template else "No template selected")

    @on(DataTable.RowHighlighted, "#templates")
    def _highlighted(self) -> None:
        self._describe()

    @on(DataTable.RowSelected, "#templates")
    def _selected(self) -> None:
        self.action_yaml()

    def action_yaml(self) -> None:
        key = self.table.selected_key
        template = get_object(self.hyptui.store.state, WORKSPACE_TEMPLATES.key, split_key(key)) if key else None
        if template is not None:
            self.hyptui.show_yaml(WORKSPACE_TEMPLATES, template)
