"""The governance editor: a cluster's policy (priority classes in order with their weights, fair share) and each
team's quota (instances per type, lend strategy, borrow limit, preempting its own tasks, fair-share weight), edited
in place and checked as you type. ctrl+s lists the changes, and once confirmed sends them through SageMaker, which
regenerates the Kueue queues the queues screen shows. A failed apply keeps everything typed."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, Switch

from hyptui.aws.failures import AwsFailure
from hyptui.edits.governance import (
    LEND_AND_BORROW,
    PREEMPT_CHOICES,
    STRATEGIES,
    Change,
    Governance,
    GovernanceEdit,
    Problem,
    changes,
    instance_columns,
    load_governance,
    rebase,
    validate,
)
from hyptui.screens.shell.base import LiveScreen
from hyptui.screens.shell.confirm import ConfirmModal
from hyptui.screens.shell.connection_bar import ConnectionBar
from hyptui.screens.shell.footer import KeyFooter
from hyptui.screens.shell.verb_bindings import bindings
from hyptui.screens.widgets.text_lines import ScreenTitle, StatusLine
from hyptui.store.state import AppState

FAIR_SHARE_ON = "idle compute goes to the teams that borrow, by their fair-share weight"
FAIR_SHARE_OFF = "idle compute goes first come, first served"


def _field_id(field: tuple[str | int, ...], columns: tuple[str, ...]) -> str:
    """The widget id of the value a Problem is about."""
    if field[2] == "count":
        return f"quota-{field[1]}-count-{columns.index(str(field[3]))}"
    return "-".join(str(part) for part in field)


def _picker(choices: tuple[str, ...], value: str, widget_id: str, classes: str) -> Select[str]:
    return Select(
        [(c, c) for c in choices], value=value, allow_blank=False, compact=True, id=widget_id, classes=classes
    )


class GovernanceEditorScreen(LiveScreen):
    DEFAULT_CSS = """
    #gov-failure {
        height: auto;
        padding: 0 1;
        color: $foreground-muted;
    }

    #gov-failure.-error {
        color: $error;
        text-style: bold;
    }

    #gov-body {
        height: 1fr;
    }

    #gov-policy, #team-rows, #gov-problems, #gov-changes {
        height: auto;
        border: round $panel;
        border-title-color: $accent;
        padding: 0 1;
    }

    #gov-fair {
        height: 1;
        margin-bottom: 1;
    }

    #gov-fair Switch {
        border: none;
        height: 1;
        padding: 0;
        margin: 0 2;
    }

    #fair-share-hint {
        width: 1fr;
        color: $foreground-muted;
    }

    #class-rows {
        height: auto;
    }

    .gov-header, .gov-row {
        height: 1;
    }

    .gov-header Label {
        color: $accent;
        text-style: bold;
    }

    .gov-row > * {
        margin-right: 1;
    }

    .gov-header > * {
        margin-right: 1;
    }

    .gov-label {
        width: 12;
    }

    .gov-rank {
        width: 3;
    }

    .gov-class-name {
        width: 28;
    }

    .gov-class-weight, .gov-borrow {
        width: 9;
    }

    .gov-team {
        width: 16;
    }

    .gov-count {
        width: 16;
    }

    .gov-strategy, .gov-preempt {
        width: 19;
    }

    .gov-weight {
        width: 14;
    }

    .gov-row .-problem {
        background: $error 30%;
    }

    #gov-problems {
        display: none;
        color: $error;
        border: round $error;
    }

    #gov-problems.-shown {
        display: block;
    }
    """
    BINDINGS = bindings(
        "back",
        "apply_governance",
        "add_priority_class",
        "remove_priority_class",
        "move_class_up",
        "move_class_down",
        "add_team",
        "quit",
    )

    def __init__(self, cluster_arn: str | None = None) -> None:
        """`cluster_arn`: the HyperPod cluster to govern; None for the first EKS-orchestrated one AWS lists."""
        super().__init__()
        self._cluster_arn = cluster_arn
        self._governance: Governance | None = None
        self._edit: GovernanceEdit | None = None
        self._columns: tuple[str, ...] = ()
        self._problems: tuple[Problem, ...] = ()
        self._failure = ""  # the last load or apply error, shown until the next apply
        self._applying = False
        self._rebuilding = False  # rows half laid out: nothing to check or show yet

    def compose(self) -> ComposeResult:
        yield ConnectionBar()
        yield ScreenTitle("Governance", id="gov-title")
        yield Static("Reading the cluster policy and team quotas…", id="gov-failure", markup=False)
        with VerticalScroll(id="gov-body"):
            with Vertical(id="gov-policy"):
                with Horizontal(id="gov-fair"):
                    yield Label("Fair share", classes="gov-label")
                    yield Switch(True, id="fair-share")
                    yield Static(FAIR_SHARE_ON, id="fair-share-hint")
                with Horizontal(classes="gov-header"):
                    yield Label("#", classes="gov-rank")
                    yield Label("PRIORITY CLASS", classes="gov-class-name")
                    yield Label("WEIGHT", classes="gov-class-weight")
                yield Vertical(id="class-rows")
            yield Vertical(id="team-rows")
            yield Static("", id="gov-problems", markup=False)
            yield Static("", id="gov-changes", markup=False)
        yield StatusLine()
        yield KeyFooter()

    def on_mount(self) -> None:  # LiveScreen's on_mount runs too
        policy = self.query_one("#gov-policy")
        policy.border_title = (
            "Policy · priority classes: a higher weight is admitted and kept first (alt+↑/↓ reorders the list)"
        )
        self.query_one("#team-rows").border_title = "Team quotas · instances guaranteed per type (empty: none)"
        self.query_one("#gov-problems").border_title = "Problems"
        self.query_one("#gov-changes").border_title = "Changes to apply"
        self._show_status()
        self._load()

    def show_state(self, state: AppState) -> None:
        """The policy and quotas live in SageMaker, not in the cluster state; the queues screen shows their effect."""

    # -- reading the records --------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="governance", exit_on_error=False)
    def _load(self) -> None:
        try:
            governance = load_governance(self.hyptui.aws_gateway, self._cluster_arn)
        except AwsFailure as failure:
            self.app.call_from_thread(self._load_failed, str(failure))
        else:
            self.app.call_from_thread(self._loaded, governance)

    async def _loaded(self, governance: Governance) -> None:
        self._governance = governance
        self._edit = GovernanceEdit.of(governance)
        self._failure = ""
        self.query_one("#gov-title", ScreenTitle).update(f"Governance · {governance.cluster_name}")
        await self._rebuild()
        first = self.query("#gov-body Input")
        if first:
            first.first().focus()

    def _load_failed(self, message: str) -> None:
        self._failure = message
        self._show_failure()
        self._show_status()

    # -- the rows, made from the edit -----------------------------------------------------------------------

    async def _rebuild(self) -> None:
        """Lay the rows out again from the edit (after a class or team is added, removed or moved)."""
        assert self._governance is not None and self._edit is not None
        edit = self._edit
        self._columns = instance_columns(self._governance, edit)
        switch = self.query_one("#fair-share", Switch)
        with self.prevent(Switch.Changed):
            switch.value = edit.fair_share
        self._rebuilding = True
        try:
            classes = self.query_one("#class-rows")
            await classes.remove_children()
            await classes.mount_all(self._class_row(index) for index in range(len(edit.classes)))
            teams = self.query_one("#team-rows")
            await teams.remove_children()
            await teams.mount_all([self._team_header(), *(self._team_row(i) for i in range(len(edit.quotas)))])
        finally:
            self._rebuilding = False
        self._refresh()

    def _class_row(self, index: int) -> Horizontal:
        assert self._edit is not None
        draft = self._edit.classes[index]
        return Horizontal(
            Label(str(index + 1), classes="gov-rank"),
            Input(draft.name, id=f"class-{index}-name", classes="gov-class-name", compact=True),
            Input(draft.weight, id=f"class-{index}-weight", classes="gov-class-weight", compact=True),
            classes="gov-row",
        )

    def _team_header(self) -> Horizontal:
        return Horizontal(
            Label("TEAM", classes="gov-team"),
            *(Label(itype, classes="gov-count") for itype in self._columns),
            Label("LEND STRATEGY", classes="gov-strategy"),
            Label("BORROW %", classes="gov-borrow"),
            Label("PREEMPT TEAM TASKS", classes="gov-preempt"),
            Label("FAIR-SHARE WT", classes="gov-weight"),
            classes="gov-header",
        )

    def _team_row(self, index: int) -> Horizontal:
        assert self._edit is not None
        draft = self._edit.quotas[index]
        prefix = f"quota-{index}"
        team: Widget = (
            Label(draft.team, id=f"{prefix}-team", classes="gov-team")
            if draft.quota_id
            else Input(draft.team, id=f"{prefix}-team", classes="gov-team", compact=True, placeholder="new team")
        )
        counts = [
            Input(draft.count(itype), id=f"{prefix}-count-{column}", classes="gov-count", compact=True)
            for column, itype in enumerate(self._columns)
        ]
        return Horizontal(
            team,
            *counts,
            _picker(STRATEGIES, draft.strategy, f"{prefix}-strategy", "gov-strategy"),
            Input(
                draft.borrow_limit,
                id=f"{prefix}-borrow",
                classes="gov-borrow",
                compact=True,
                disabled=draft.strategy != LEND_AND_BORROW,
            ),
            _picker(PREEMPT_CHOICES, draft.preempt_team_tasks, f"{prefix}-preempt", "gov-preempt"),
            Input(draft.fair_share_weight, id=f"{prefix}-weight", classes="gov-weight", compact=True),
            classes="gov-row",
        )

    # -- typing ---------------------------------------------------------------------------------------------

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if event.input.id and self._edit is not None:
            self._set(event.input.id, event.value)

    @on(Select.Changed)
    def _picked(self, event: Select.Changed) -> None:
        if event.select.id and self._edit is not None and isinstance(event.value, str):
            self._set(event.select.id, event.value)
            if event.select.id.endswith("-strategy"):
                borrow = self.query_one(f"#{event.select.id.removesuffix('-strategy')}-borrow", Input)
                borrow.disabled = event.value != LEND_AND_BORROW

    @on(Switch.Changed, "#fair-share")
    def _fair_share(self, event: Switch.Changed) -> None:
        if self._edit is not None:
            self._edit = replace(self._edit, fair_share=event.value)
            self._refresh()

    def _set(self, widget_id: str, value: str) -> None:
        """Put what a widget holds into the edit."""
        assert self._edit is not None
        kind, index_text, field, *rest = widget_id.split("-")
        index = int(index_text)
        if kind == "class":
            self._edit = self._edit.with_class(index, **{field: value})
        else:
            quota = self._edit.quotas[index]
            if field == "count":
                quota = quota.with_count(self._columns[int(rest[0])], value)
            else:
                attribute = {
                    "team": "team",
                    "strategy": "strategy",
                    "borrow": "borrow_limit",
                    "preempt": "preempt_team_tasks",
                    "weight": "fair_share_weight",
                }[field]
                quota = replace(quota, **{attribute: value})
            self._edit = self._edit.with_quota(index, quota)
        self._refresh()

    # -- checking and showing -------------------------------------------------------------------------------

    def _pending(self) -> tuple[Change, ...]:
        """What ctrl+s would send; only when the edit is valid."""
        assert self._governance is not None and self._edit is not None
        return () if self._problems else changes(self._governance, self._edit)

    def _refresh(self) -> None:
        if self._governance is None or self._edit is None or self._rebuilding:
            return
        self._problems = validate(self._governance, self._edit)
        invalid = {_field_id(problem.field, self._columns) for problem in self._problems}
        for widget in self.query("#gov-body Input, #gov-body Select, #team-rows Label"):
            if widget.id:
                widget.set_class(widget.id in invalid, "-problem")  # not -invalid: Input resets that on blur
        problems = self.query_one("#gov-problems", Static)
        problems.update("\n".join(str(problem) for problem in self._problems))
        problems.set_class(bool(self._problems), "-shown")
        pending = self._pending()
        lines = [change.summary for change in pending] or ["Nothing: the cluster has exactly this policy and quotas."]
        self.query_one("#gov-changes", Static).update(
            "Fix the problems to see what would be sent." if self._problems else "\n".join(lines)
        )
        self.query_one("#fair-share-hint", Static).update(FAIR_SHARE_ON if self._edit.fair_share else FAIR_SHARE_OFF)
        self._show_failure()
        self._show_status()

    def _show_failure(self) -> None:
        failure = self.query_one("#gov-failure", Static)
        loading = self._governance is None and not self._failure
        failure.update(self._failure or ("Reading the cluster policy and team quotas…" if loading else ""))
        failure.set_class(bool(self._failure), "-error")
        failure.display = loading or bool(self._failure)

    def _show_status(self) -> None:
        parts = []
        if self._governance is not None:
            parts.append(f"{len(self._governance.quotas)} teams")
        if self._problems:
            parts.append(f"{len(self._problems)} problem{'s' * (len(self._problems) != 1)}")
        elif self._governance is not None:
            count = len(self._pending())
            parts.append(f"{count} change{'s' * (count != 1)} to apply" if count else "no changes")
        if self._applying:
            parts.append("applying…")
        if self.hyptui.readonly:
            parts.append("read-only: changes cannot be applied")
        self.query_one(StatusLine).update("  ·  ".join(parts))

    @property
    def dirty(self) -> bool:
        """Whether anything typed differs from what the cluster has."""
        return self._governance is not None and self._edit != GovernanceEdit.of(self._governance)

    def _focused_class(self) -> int | None:
        focused = self.focused
        if focused is not None and focused.id and focused.id.startswith("class-"):
            return int(focused.id.split("-")[1])
        return None

    def _focus(self, widget_id: str) -> None:
        found = self.query(f"#{widget_id}")
        if found:
            found.first().focus()
            found.first().scroll_visible()

    # -- verbs ----------------------------------------------------------------------------------------------

    async def action_add_priority_class(self) -> None:
        if self._edit is None:
            return
        focused = self._focused_class()
        index = len(self._edit.classes) if focused is None else focused + 1
        self._edit = self._edit.add_class(index)
        await self._rebuild()
        self._focus(f"class-{index}-name")

    async def action_remove_priority_class(self) -> None:
        index = self._focused_class()
        if self._edit is None or index is None:
            self.notify("Put the cursor on a priority class to remove it", severity="warning")
            return
        self._edit = self._edit.remove_class(index)
        await self._rebuild()
        if self._edit.classes:
            self._focus(f"class-{min(index, len(self._edit.classes) - 1)}-name")

    async def action_move_class_up(self) -> None:
        await self._move_class(-1)

    async def action_move_class_down(self) -> None:
        await self._move_class(1)

    async def _move_class(self, offset: int) -> None:
        index = self._focused_class()
        if self._edit is None or index is None:
            return
        field = str(self.focused.id).rsplit("-", 1)[1] if self.focused else "name"
        moved = self._edit.move_class(index, offset)
        if moved is self._edit:
            return
        self._edit = moved
        await self._rebuild()
        self._focus(f"class-{index + offset}-{field}")

    async def action_add_team(self) -> None:
        if self._edit is None:
            return
        self._edit = self._edit.add_team()
        await self._rebuild()
        self._focus(f"quota-{len(self._edit.quotas) - 1}-team")

    def action_apply_governance(self) -> None:
        if self._governance is None or self._edit is None or self._applying or self.hyptui.readonly:
            return
        if self._problems:
            first = self._problems[0]
            count = len(self._problems)
            self.notify(f"Not applied: {count} problem{'s' * (count != 1)}, first: {first}", severity="error")
            self._focus(_field_id(first.field, self._columns))
            return
        pending = self._pending()
        if not pending:
            self.notify("Nothing to apply: the cluster has exactly this policy and these quotas")
            return
        governance = self._governance
        question = f"Apply to cluster {governance.cluster_name}?\n" + "\n".join(f"• {c.summary}" for c in pending)

        def answered(yes: bool | None) -> None:
            if yes and not self._applying:
                self._applying = True
                self._show_status()
                self._send(governance, pending)

        self.app.push_screen(ConfirmModal(question, "Apply"), answered)

    @work(thread=True, exclusive=True, group="governance", exit_on_error=False)
    def _send(self, governance: Governance, pending: tuple[Change, ...]) -> None:
        gateway = self.hyptui.aws_gateway
        sent, failure = 0, ""
        for change in pending:
            try:
                change.send(gateway, governance.cluster_arn)
            except AwsFailure as error:
                failure = str(error)
                break
            sent += 1
        try:  # the new versions, and what did change should a later change have failed
            fresh: Governance | None = load_governance(gateway, governance.cluster_arn)
        except AwsFailure:
            fresh = None
        self.app.call_from_thread(self._applied, fresh, sent, len(pending), failure)

    async def _applied(self, fresh: Governance | None, sent: int, total: int, failure: str) -> None:
        self._applying = False
        name = (fresh or self._governance or Governance("", "the cluster", (), None, ())).cluster_name
        if failure:
            self._failure = f"Not applied ({sent} of {total} changes made; your edits are kept): {failure}"
            self.notify(self._failure, severity="error", timeout=10)
        else:
            self._failure = ""
            self.notify(f"Applied {total} change{'s' * (total != 1)} to {name}")
        if not self.is_attached:  # left while the calls ran
            return
        if fresh is not None:
            assert self._edit is not None
            self._governance = fresh
            self._edit = rebase(self._edit, fresh) if failure else GovernanceEdit.of(fresh)
        await self._rebuild()

    def action_back(self) -> None:
        self._leave(self.dismiss, "Leave the governance editor? Your changes are not applied.", "Discard")

    def action_quit(self) -> None:
        self._leave(lambda: self.app.exit(0), "Quit hyptui? Your governance changes are not applied.", "Quit")

    def _leave(self, go: Any, question: str, verb: str) -> None:
        if not self.dirty:
            go()
            return
        self.app.push_screen(ConfirmModal(question, verb), lambda yes: go() if yes else None)
