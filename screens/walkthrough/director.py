"""Runs a walkthrough in the app: performs each step's action through the paths a user's keys take (sections, the
config form, its create, the invoke panel, the delete the confirmation sends, a screen's verbs; a node fault as the
label `hyptui fault node-unhealthy` sets, sent through the app's gateway), then watches the store until the step's
expectation holds. The presenter moves it on; everything else on screen stays theirs."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import yaml
from textual.screen import ModalScreen, Screen
from textual.signal import Signal
from textual.widgets import Collapsible, Input, Select, Switch, TextArea
from textual.widgets.select import InvalidSelectValueError

from hyptui.hyp_configs.config_file import ConfigFileError
from hyptui.hyperpod.kinds import BY_KEY, NODES
from hyptui.hyperpod.node_faults import NodeUnhealthy
from hyptui.kube.api import ApiRequestError
from hyptui.kube.gateway import NotConnected
from hyptui.screens.configs.form import NAME_FIELDS, ConfigFormScreen
from hyptui.screens.endpoints.invoke import InvokePanel
from hyptui.screens.walkthrough.panel import WalkthroughPanel
from hyptui.screens.widgets.field_input import parse_value, value_text
from hyptui.store.selectors import get_object
from hyptui.views.queues import workload_rows
from hyptui.views.sections import template_section
from hyptui.walkthrough import progress as steps
from hyptui.walkthrough.expect import EPOCH, describe, endpoint_row_key, node_of_pod
from hyptui.walkthrough.model import (
    Action,
    CreateAction,
    DeleteAction,
    FaultNodeAction,
    InvokeAction,
    OpenFormAction,
    SectionAction,
    SelectAction,
    VerbAction,
    Walkthrough,
)
from hyptui.walkthrough.progress import Intent, Phase, Progress
from hyptui.walkthrough.stage import WalkthroughStage

if TYPE_CHECKING:  # the app builds its director: importing it here would be a cycle
    from hyptui.screens.shell.app import HyptuiApp

UI_SECONDS = 5.0  # real seconds a screen may take to show what an action needs (a row, a form, a panel)
TICK_SECONDS = 0.5


class StepFailed(Exception):
    """The action could not be done; the message says why, for the panel."""


class WalkthroughDirector:
    def __init__(self, app: HyptuiApp, stage: WalkthroughStage) -> None:
        self.app = app
        self.stage = stage
        self.walkthrough: Walkthrough | None = None
        self.progress: Progress | None = None
        self.changed: Signal[None] = Signal(app, "walkthrough-changed")

    def attach(self) -> None:
        self.app.state_changed.subscribe(self.app, lambda _state: self._observe())
        self.app.screen_change_signal.subscribe(self.app, self._screen_shown)
        self.app.set_interval(TICK_SECONDS, self._observe)
        if self.stage.walkthrough is not None:
            self.begin(self.stage.walkthrough, self.stage.module)

    # -- what the presenter's keys do ---------------------------------------------------------------------

    def begin(self, walkthrough: Walkthrough, module: int = 0) -> None:
        self.walkthrough = walkthrough
        self._set(steps.start(walkthrough, module))
        self._screen_shown(self.app.screen)
        self._focus_panel()

    def advance(self) -> None:
        walkthrough, progress = self.walkthrough, self.progress
        if walkthrough is None or progress is None:
            return
        match steps.intent(walkthrough, progress):
            case Intent.RUN:
                self.app.run_worker(self._run(progress), group="walkthrough", exclusive=True, exit_on_error=False)
            case Intent.WAIT:
                self.app.notify(f"Still waiting for {self.waiting_for()}")
            case Intent.NEXT:
                following = steps.next_step(walkthrough, progress)
                if following is not None:
                    self._set(following)
            case Intent.FINISHED:
                self.app.notify(f"That was the last step of {walkthrough.title!r}")

    def back(self) -> None:
        if self.walkthrough is None or self.progress is None:
            return
        result = steps.back(self.walkthrough, self.progress)
        if isinstance(result, str):
            self.app.notify(result, severity="warning")
        else:
            self._cancel_running()
            self._set(result)

    def restart_module(self) -> None:
        if self.progress is None:
            return
        self._cancel_running()
        self._set(steps.restart_module(self.progress))

    def waiting_for(self) -> str:
        if self.walkthrough is None or self.progress is None:
            return ""
        expects = steps.step_of(self.walkthrough, self.progress).expect
        return "; ".join(describe(expect) for expect in expects)

    # -- the state of the run ---------------------------------------------------------------------------

    def _set(self, progress: Progress) -> None:
        before = self.progress
        self.progress = progress
        self.changed.publish(None)
        if before is not None and before.phase is Phase.RUNNING and progress.phase is not Phase.RUNNING:
            self._step_over(progress)

    def _observe(self) -> None:
        if self.walkthrough is None or self.progress is None or self.progress.phase is not Phase.RUNNING:
            return
        observed = steps.observe(self.walkthrough, self.progress, self.app.store.state, self.app.clock())
        if observed != self.progress:
            self._set(observed)

    def _step_over(self, progress: Progress) -> None:
        """Say how it ended and point at what changed; the panel takes the keys again."""
        assert self.walkthrough is not None
        step = steps.step_of(self.walkthrough, progress)
        if progress.phase is Phase.DONE:
            if step.expect:
                self.app.notify(f"✓ {describe(step.expect[0])}")
                first = step.expect[0]
                name = getattr(first, "name", None) or getattr(first, "job", None) or getattr(first, "node", None)
                if name:
                    self._highlight(getattr(first, "namespace", None), name)
        elif progress.phase is Phase.TIMED_OUT:
            self.app.notify(f"Not there after {step.timeout:g}s: {self.waiting_for()}", severity="warning")
        elif progress.phase is Phase.FAILED:
            self.app.notify(progress.note, severity="error", timeout=8)
        self._focus_panel()

    def _cancel_running(self) -> None:
        self.app.workers.cancel_group(self.app, "walkthrough")

    # -- the panel on every screen ----------------------------------------------------------------------

    def _screen_shown(self, screen: Screen) -> None:
        if self.walkthrough is None or screen.query(WalkthroughPanel):
            return  # modal screens get one too: the app's keys do not reach past a modal, the panel's do
        panel = WalkthroughPanel(self)
        screen.mount(panel)
        if isinstance(screen, ModalScreen):  # e.g. an access URL a step opened: the presenter's next key moves on
            self.app.call_after_refresh(panel.focus)

    def _focus_panel(self) -> None:
        panels = self.app.screen.query(WalkthroughPanel)
        if panels:
            panels.first().focus()

    # -- running a step -----------------------------------------------------------------------------------

    async def _run(self, progress: Progress) -> None:
        assert self.walkthrough is not None
        step = steps.step_of(self.walkthrough, progress)
        try:
            await self._close_modal()
            note, faulted = await self._perform(step.action)
        except StepFailed as error:
            if self.progress is progress:
                self._set(steps.failed(progress, f"Step {progress.step + 1}: {error}"))
            return
        if self.progress is progress:  # not moved back or restarted meanwhile
            self._set(steps.ran(progress, self.app.clock(), note=note, faulted_node=faulted))
            self._observe()

    async def _perform(self, action: Action) -> tuple[str, str | None]:
        """Do it; returns a note for the panel and the node a fault went to."""
        match action:
            case SectionAction():
                await self.app.run_command_text(action.section)
            case OpenFormAction():
                await self._open_form(action)
            case CreateAction():
                await self._create()
            case SelectAction():
                await self.app.run_command_text(action.section)
                await self._until(lambda: self._row_key(action.namespace, action.name), f"{action.name} in the table")
                self._highlight(action.namespace, action.name)
            case FaultNodeAction():
                return await self._fault_node(action)
            case InvokeAction():
                await self._invoke(action)
            case DeleteAction():
                return self._delete(action), None
            case VerbAction():
                screen = self.app.screen
                if not hasattr(screen, f"action_{action.verb}"):
                    raise StepFailed(f"this screen has no {action.verb} (a section or select step comes first)")
                await self.app.run_action(action.verb, screen)
        return "", None

    async def _until(self, condition: Callable[[], Any], what: str) -> Any:
        deadline = time.monotonic() + UI_SECONDS
        while not (result := condition()):
            if time.monotonic() > deadline:
                raise StepFailed(f"gave up waiting for {what}")
            await asyncio.sleep(0.05)
        return result

    async def _close_modal(self) -> None:
        """A question or an access URL the last step left open goes when the presenter moves on."""
        while isinstance(self.app.screen, ModalScreen):
            await self.app.pop_screen()

    async def _open_form(self, action: OpenFormAction) -> None:
        await self.app.run_command_text(template_section(action.template))
        form = ConfigFormScreen.new(action.template)
        await self.app.push_screen(form)
        await self._until(lambda: form.is_mounted and form.rows, "the form")
        for name in sorted(action.values, key=lambda field: field != "namespace"):  # the namespace picks the queues
            await self._fill(form, name, action.values[name], _typed(name, action.values[name]))
        named_by = next((field for field in NAME_FIELDS if field in form.spec.model.model_fields), None)
        name = form.row(named_by).value if named_by else None
        form.query_one("#directory", Input).value = str(self.stage.form_directory(str(name or action.template)))

    async def _fill(self, form: ConfigFormScreen, name: str, value: Any, text: str) -> None:
        """Put the value in the field's editor, as typing or picking would, and wait for the form to take it."""
        row = form.row(name)
        if not row.field.required:
            form.query_one("#advanced", Collapsible).collapsed = False
        editor = row.editor
        if isinstance(editor, Select):

            def picked() -> bool:  # the choices may still be on their way (a namespace's queues)
                try:
                    editor.value = text
                except InvalidSelectValueError:
                    return False
                return True

            try:
                await self._until(picked, f"{text} among {name}'s choices")
            except StepFailed:
                raise StepFailed(f"open_form.values.{name}: {text!r} is not a choice the cluster offers") from None
        elif isinstance(editor, Switch):
            editor.value = bool(value)
        elif isinstance(editor, TextArea):
            editor.load_text(text)
        elif isinstance(editor, Input):
            editor.value = text
        try:
            await self._until(lambda: row.value == value, f"{name} to take {text!r}")
        except StepFailed:
            raise StepFailed(f"open_form.values.{name}: the form read {text!r} as {row.value!r}") from None

    async def _create(self) -> None:
        form = self.app.screen
        if not isinstance(form, ConfigFormScreen):
            raise StepFailed("no form is open (an open_form step comes first)")
        form.action_create_from_config()
        problem = form.query_one("#form-problem")

        def over() -> bool:
            return self.app.screen is not form or problem.has_class("-shown")

        await self._until(over, "the create to be sent")
        if self.app.screen is form:
            raise StepFailed(str(problem.render()).strip() or "the form refused to create")

    async def _fault_node(self, action: FaultNodeAction) -> tuple[str, str | None]:
        node = action.node or node_of_pod(self.app.store.state, action.pod or "")
        if node is None:
            raise StepFailed(f"pod {action.pod} runs on no node yet")
        fault = NodeUnhealthy(node, action.reboot)
        try:
            await self.app.gateway.merge_patch(NODES, None, node, fault.patch)
        except ApiRequestError as error:
            refusal = f"node {node!r} not found" if error.status == 404 else f"the API server refused: {error}"
            raise StepFailed(refusal) from None
        except (NotConnected, OSError) as error:
            raise StepFailed(f"cannot reach the API server: {error}") from None
        note = fault.done
        self.app.notify(note)
        self._highlight(None, node)
        return note, node

    async def _invoke(self, action: InvokeAction) -> None:
        await self.app.run_command_text("endpoints")
        key = await self._until(
            lambda: self._row_key(action.namespace, action.name), f"endpoint {action.namespace}/{action.name}"
        )
        self._select(key)
        await self.app.run_action("invoke", self.app.screen)
        panel = await self._until(
            lambda: isinstance(self.app.screen, InvokePanel) and self.app.screen, "the invoke panel"
        )
        await self._until(lambda: panel.is_mounted, "the invoke panel")
        panel.query_one("#request-body", TextArea).load_text(action.body_text)
        panel.action_send_request()

    def _delete(self, action: DeleteAction) -> str:
        kind = BY_KEY[action.kind]
        where = f"{action.namespace}/{action.name}" if action.namespace else action.name
        if get_object(self.app.store.state, kind.key, (action.namespace or "", action.name)) is None:
            return f"{kind.singular} {where} is already gone"
        self._highlight(action.namespace, action.name)
        self.app.delete_object(kind, action.namespace, action.name)
        return f"deleting {kind.singular} {where}"

    # -- rows -----------------------------------------------------------------------------------------------

    def _row_key(self, namespace: str | None, name: str) -> str | None:
        """The current table's row for an object: jobs and spaces by namespace/name, nodes by name, endpoints by
        kind too, the queues' workloads by their job."""
        table = getattr(self.app.screen, "table", None)
        if table is None:
            return None
        state = self.app.store.state
        candidates = [f"{namespace}/{name}" if namespace else name, name]
        if namespace:
            candidates.append(endpoint_row_key(state, namespace, name) or "")
            candidates += [
                row.key for row in workload_rows(state, EPOCH) if (row.namespace, row.job) == (namespace, name)
            ]
        keys = {str(key.value) for key in table.rows}
        return next((key for key in candidates if key in keys), None)

    def _select(self, key: str) -> None:
        table = self.app.screen.table  # type: ignore[attr-defined]
        keys = [str(row.value) for row in table.rows]
        table.move_cursor(row=keys.index(key))

    def _highlight(self, namespace: str | None, name: str) -> None:
        key = self._row_key(namespace, name)
        if key is not None:
            self._select(key)


def _typed(name: str, value: Any) -> str:
    """What to type for the value: as config.yaml shows it, quoted where YAML would read it as something else (a
    version such as "1.33")."""
    text = value_text(value)
    try:
        if parse_value(name, text) == value:
            return text
    except ConfigFileError:
        pass
    return yaml.safe_dump(value, default_flow_style=True, width=1000).removesuffix("\n...\n").strip()
