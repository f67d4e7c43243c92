"""A cluster stack's progress, live: the main CloudFormation stack, its nested stacks (VPC, security group, EKS, FSx,
Helm chart, HyperPod cluster...) and their resources as a tree, each with its status in colour and how long it has
taken, and the reason of the resource that failed; `ctrl+d` deletes the stack after a confirmation that offers to
retain resources once a delete has failed (as CloudFormation allows then only)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, SelectionList, Static

from hyptui.aws.failures import AwsFailure
from hyptui.aws.poller import STACK_SECONDS, read_stack, stack_topic
from hyptui.screens.shell.aws_polled import AwsPolledScreen
from hyptui.screens.shell.connection_bar import ConnectionBar
from hyptui.screens.shell.footer import KeyFooter
from hyptui.screens.shell.verb_bindings import bindings
from hyptui.screens.widgets.panes import FailurePane
from hyptui.screens.widgets.resource_table import ResourceTable, TableRow
from hyptui.screens.widgets.text_lines import ScreenTitle, StatusLine
from hyptui.store.state import AppState
from hyptui.views.clusters import STACK_COLUMNS, StackNode, StackView, stack_view

DELETE_FAILED = "DELETE_FAILED"
DELETE_CONSEQUENCE = (
    "CloudFormation deletes every resource the stack created: the HyperPod cluster and its instances, the EKS "
    "cluster, FSx file system, VPC and IAM roles it made."
)


def stack_table_row(node: StackNode) -> TableRow:
    return TableRow(
        key=node.key,
        cells={
            "resource": node.label,
            "type": node.resource_type,
            "status": node.status,
            "elapsed": node.elapsed,
            "reason": node.reason,
        },
    )


def summary_text(view: StackView) -> str:
    parts = [view.status, f"{view.elapsed} elapsed", f"{view.done} of {view.resources} resources done"]
    if view.stack.reason and not view.failure:
        parts.append(view.stack.reason)
    return "  ·  ".join(parts)


class DeleteStackModal(ModalScreen[tuple[str, ...] | None]):
    """Delete, or cancel (None); after a failed delete, the resources ticked are retained (kept in AWS)."""

    DEFAULT_CSS = """
    DeleteStackModal {
        align: center middle;
    }

    DeleteStackModal > Vertical {
        width: 72;
        height: auto;
        padding: 1 2;
        border: thick $error;
        background: $surface;
    }

    DeleteStackModal #delete-question, DeleteStackModal #retain-note {
        margin-bottom: 1;
    }

    DeleteStackModal #retain {
        height: auto;
        max-height: 10;
        margin-bottom: 1;
    }

    DeleteStackModal Horizontal {
        height: auto;
        align: right middle;
    }

    DeleteStackModal Button {
        margin-left: 2;
    }
    """

    BINDINGS = [
        Binding("y", "delete", "Delete"),
        Binding("n,escape", "cancel", "Cancel"),
    ]

    def __init__(self, view: StackView) -> None:
        super().__init__()
        self._view = view
        # CloudFormation takes RetainResources only for a stack whose delete failed, and only resources that failed.
        self._retainable = [node.logical_id for node in view.nodes if node.depth == 1 and node.status == DELETE_FAILED]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Delete stack {self._view.stack.name}?\n{DELETE_CONSEQUENCE}", id="delete-question")
            if self._retainable and self._view.status == DELETE_FAILED:
                yield Static("Retain (keep in AWS, no longer managed by the stack):", id="retain-label")
                yield SelectionList[str](*((name, name) for name in self._retainable), id="retain")
            else:
                yield Static(
                    "Resources can be retained only after a delete has failed (DELETE_FAILED).",
                    id="retain-note",
                )
            with Horizontal():
                yield Button("Cancel (n)", id="cancel")
                yield Button("Delete (y)", id="delete", variant="error")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "delete":
            self.action_delete()
        else:
            self.action_cancel()

    def action_delete(self) -> None:
        chosen = self.query(SelectionList)
        self.dismiss(tuple(chosen.first().selected) if chosen else ())

    def action_cancel(self) -> None:
        self.dismiss(None)


class StackProgressScreen(AwsPolledScreen):
    DEFAULT_CSS = """
    StackProgressScreen #stack-summary {
        height: 1;
        padding: 0 1;
    }
    """
    BINDINGS = bindings("back", "delete", "reload")

    def __init__(self, stack_id: str) -> None:
        super().__init__()
        self.stack_id = stack_id
        self._view: StackView | None = None

    def compose(self) -> ComposeResult:
        yield ConnectionBar()
        yield ScreenTitle(f"Stack {self.stack_id}", id="title")
        yield Static("Reading the stack's events…", id="stack-summary", markup=False)
        yield ResourceTable(STACK_COLUMNS, id="stack-tree")
        yield FailurePane("", id="stack-failure", markup=False)
        yield StatusLine()
        yield KeyFooter()

    def on_mount(self) -> None:  # LiveScreen's on_mount runs too
        self.query_one("#stack-failure").border_title = "Failed"
        app = self.hyptui
        self.poll(
            lambda: read_stack(app.aws_gateway, self.stack_id), topic=stack_topic(self.stack_id), interval=STACK_SECONDS
        )

    def show_state(self, state: AppState) -> None:
        progress = state.aws_stacks.get(self.stack_id)
        self.query_one(StatusLine).update(state.aws_failures.get(stack_topic(self.stack_id), ""))
        if progress is None:
            return
        view = self._view = stack_view(progress, self.hyptui.clock())
        self.query_one("#title", ScreenTitle).update(f"Stack {view.stack.name}")
        summary = self.query_one("#stack-summary", Static)
        summary.update(summary_text(view))
        self.query_one("#stack-tree", ResourceTable).set_rows([stack_table_row(node) for node in view.nodes])
        failure = self.query_one("#stack-failure", Static)
        failure.display = bool(view.failure)
        failure.update(view.failure)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_delete(self) -> None:
        view = self._view
        if view is None or self.hyptui.readonly:
            return
        if view.in_progress:
            self.notify(f"Stack {view.stack.name} is {view.status}; delete it once that ends", severity="warning")
            return

        def answered(retain: tuple[str, ...] | None) -> None:
            if retain is not None:
                self._delete(view.stack.name, retain)

        self.app.push_screen(DeleteStackModal(view), answered)

    @work(thread=True, group="stack-delete", exit_on_error=False)
    def _delete(self, name: str, retain: tuple[str, ...]) -> None:
        app = self.hyptui
        try:
            app.aws_gateway.delete_stack(self.stack_id, retain)
        except AwsFailure as failure:
            app.call_from_thread(app.notify, str(failure), severity="error", timeout=10)
            return
        kept = f", retaining {', '.join(retain)}" if retain else ""
        app.call_from_thread(app.notify, f"Deleting stack {name}{kept}")
        app.call_from_thread(self.action_reload)
