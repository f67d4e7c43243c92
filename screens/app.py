"""The hyptui app shell: owns the store and the gateway, fans state changes out to the screens."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from textual.app import App
from textual.binding import Binding
from textual.signal import Signal

from hyptui.kinds import ResourceKind
from hyptui.kube.gateway import KubeGateway
from hyptui.kube.target import KubeTarget
from hyptui.store.actions import Notice
from hyptui.store.reducers import reduce_many
from hyptui.store.state import EMPTY_STATE, AppState, KubeObject
from hyptui.store.store import Store
from hyptui.themes import DEFAULT_THEME, STYLESHEET, THEMES, VARIABLE_DEFAULTS

Clock = Callable[[], datetime]


def wall_clock() -> datetime:
    return datetime.now(UTC)


class HyptuiApp(App[int]):
    CSS_PATH = STYLESHEET
    TITLE = "hyptui"
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(
        self,
        target: KubeTarget,
        *,
        readonly: bool = False,
        clock: Clock | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__()
        self.store = Store(reduce_many, EMPTY_STATE)
        self.gateway = KubeGateway(target, self.store.dispatch, readonly=readonly)
        self.readonly = readonly
        self.clock = clock or wall_clock
        self.state_changed: Signal[AppState] = Signal(self, "state-changed")
        if title:
            self.sub_title = title
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = DEFAULT_THEME

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(VARIABLE_DEFAULTS)

    def on_mount(self) -> None:
        from hyptui.screens.jobs import JobsScreen

        self.store.attach(asyncio.get_running_loop())
        self.store.subscribe(self.state_changed.publish)
        self.push_screen(JobsScreen())
        self.run_worker(self.gateway.run(), name="kube-gateway", group="gateway", exit_on_error=False)
        # Ages move on even when nothing in the cluster does.
        self.set_interval(1.0, lambda: self.state_changed.publish(self.store.state))

    def on_unmount(self) -> None:
        self.store.detach()

    def action_help(self) -> None:
        from hyptui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def show_yaml(self, kind: ResourceKind, obj: KubeObject) -> None:
        from hyptui.screens.yaml_view import YamlScreen

        where = f"{obj.namespace}/{obj.name}" if obj.namespace else obj.name
        self.push_screen(YamlScreen(f"{kind.kind} {where}", obj.raw))

    def confirm_delete(
        self, kind: ResourceKind, namespace: str | None, name: str, *, consequence: str = "", then=None
    ) -> None:
        """Ask first; on yes, delete and run `then` (e.g. leave a detail screen of the deleted object)."""
        from hyptui.screens.confirm import ConfirmModal

        where = f" in {namespace}" if namespace else ""
        question = f"Delete {kind.kind} {name}{where}?" + (f"\n{consequence}" if consequence else "")

        def answered(yes: bool | None) -> None:
            if yes:
                self.delete_object(kind, namespace, name)
                if then is not None:
                    then()

        self.push_screen(ConfirmModal(question), answered)

    def delete_object(self, kind: ResourceKind, namespace: str | None, name: str) -> None:
        """Delete in the background; failures reach the user as a notice, never as a crash."""

        async def delete() -> None:
            try:
                await self.gateway.delete(kind, namespace, name)
            except Exception as error:  # the API's reason is the message the user needs
                self.store.dispatch(Notice(f"Could not delete {kind.singular} {name}: {error}"))
                self.notify(f"Could not delete {name}: {error}", severity="error")
            else:
                self.notify(f"Deleted {kind.singular} {name}")

        self.run_worker(delete(), group="verbs", exit_on_error=False)


def run(target: KubeTarget, *, readonly: bool = False, clock: Clock | None = None, title: str | None = None) -> int:
    return HyptuiApp(target, readonly=readonly, clock=clock, title=title).run() or 0
