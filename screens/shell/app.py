"""The hyptui app shell: owns the store and the gateway, fans state changes out to the screens, and keeps one
drill-down stack per section of the section table (hyptui.views.sections), reached by its number keys, its `:` words or
the palette."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.signal import Signal

from hyptui.aws.gateway import AwsGateway
from hyptui.aws.region import region_of_kube_context
from hyptui.aws.target import AwsTarget
from hyptui.commands.interface import AppLaunch
from hyptui.hyp_configs.config_file import ConfigDocument, ConfigFileError
from hyptui.hyperpod.kinds import HYPERPOD_PYTORCH_JOBS, NODES, PODS, ResourceKind
from hyptui.kube.api import context_names
from hyptui.kube.gateway import KubeGateway
from hyptui.kube.target import KubeTarget
from hyptui.screens.clusters.list import ClustersScreen
from hyptui.screens.configs.form import ConfigFormScreen
from hyptui.screens.configs.list import ConfigsScreen
from hyptui.screens.endpoints.list import EndpointsScreen
from hyptui.screens.events.list import EventsScreen
from hyptui.screens.jobs.detail import JobDetailScreen
from hyptui.screens.jobs.list import JobsScreen
from hyptui.screens.jobs.pod_log import PodLogScreen
from hyptui.screens.jobs.pods import PodsScreen
from hyptui.screens.nodes.list import NodesScreen
from hyptui.screens.problems.list import ProblemsScreen
from hyptui.screens.queues.list import QueuesScreen
from hyptui.screens.shell.command_bar import CommandBar
from hyptui.screens.shell.confirm import ConfirmModal
from hyptui.screens.shell.help import HelpScreen
from hyptui.screens.shell.verb_bindings import bindings, section_bindings
from hyptui.screens.shell.verb_palette import VerbCommands
from hyptui.screens.shell.yaml_view import YamlScreen
from hyptui.screens.spaces.list import SpacesScreen
from hyptui.screens.walkthrough.commands import WalkthroughCommands
from hyptui.screens.walkthrough.director import WalkthroughDirector
from hyptui.settings.context_memory import ALL_NAMESPACES, ContextMemory, load_memory, memory_path, save_memory
from hyptui.settings.user_config import UserConfig, config_path, load_user_config, remember_theme
from hyptui.store.actions import Notice
from hyptui.store.reducers import reduce_many
from hyptui.store.selectors import get_object
from hyptui.store.state import EMPTY_STATE, AppState, KubeObject, ObjectKey
from hyptui.store.store import Store
from hyptui.themes import DEFAULT_THEME, MONOCHROME_THEME, STYLESHEET, THEMES, VARIABLE_DEFAULTS
from hyptui.themes.user_themes import THEMES_DIRECTORY, load_user_themes
from hyptui.views.command_line import Command, OpenSection, Quit, UseContext, UseNamespace, parse_command
from hyptui.views.problems import owning_job
from hyptui.views.sections import FIRST_SECTION, template_section

if TYPE_CHECKING:
    from hyptui.recording.recorder import Recorder
    from hyptui.walkthrough.stage import WalkthroughStage

Clock = Callable[[], datetime]


def wall_clock() -> datetime:
    return datetime.now(UTC)


class HyptuiApp(App[int]):
    CSS_PATH = STYLESHEET
    TITLE = "hyptui"
    MODES = {  # a screen for each row of the section table, by its id
        "jobs": JobsScreen,
        "nodes": NodesScreen,
        "problems": ProblemsScreen,
        "events": EventsScreen,
        "queues": QueuesScreen,
        "endpoints": EndpointsScreen,
        "spaces": SpacesScreen,
        "clusters": ClustersScreen,
        "pods": PodsScreen,
        "configs": ConfigsScreen,
    }
    COMMANDS = App.COMMANDS | {VerbCommands, WalkthroughCommands}
    BINDINGS = [
        *bindings("quit", "help", "command"),
        *section_bindings(),
        *bindings("walkthrough_next", "walkthrough_back", "walkthrough_restart"),
    ]

    def __init__(
        self,
        target: KubeTarget,
        *,
        readonly: bool = False,
        clock: Clock | None = None,
        title: str | None = None,
        config_path: Path | None = None,
        aws: AwsTarget | None = None,
        memory_path: Path | None = None,
        open_directory: Path | None = None,
        recorder: Recorder | None = None,
        feed: Store | None = None,
        walkthrough: WalkthroughStage | None = None,
    ) -> None:
        """`memory_path`: where the last section, namespace and filters are kept per context (None: not kept).
        `recorder`: gets every batch of actions (`--record`), closed when the app ends. `feed`: a store something
        else fills (a replay's player): the app shows it and starts no kube gateway."""
        super().__init__()
        self._memory_path = memory_path
        self._open_directory = open_directory
        # `hyptui demo`: walkthroughs can run (the palette offers them); None elsewhere, where they never may
        self.walkthrough = WalkthroughDirector(self, walkthrough) if walkthrough is not None else None
        self._memory = load_memory(memory_path) if memory_path is not None else {}
        self._restored_context: str | None = None
        self._filters_restored: set[str] = set()
        self._scope_given = target.namespace is not None or target.all_namespaces  # -n/-A beat the memory
        self.aws = aws or AwsTarget()
        self.config_path = config_path
        self.settings, self._settings_problem = (
            load_user_config(config_path) if config_path is not None else (UserConfig(), None)
        )
        self._readonly_asked = readonly  # --readonly: read-only whatever the context
        self.target = target
        self._recorder = recorder
        self._fed = feed is not None
        self.store = feed or Store(reduce_many, EMPTY_STATE, on_actions=recorder.record if recorder else None)
        self.gateway = self._new_gateway()
        self.clock = clock or wall_clock
        if recorder is not None:
            recorder.start(self.clock)
        self.state_changed: Signal[AppState] = Signal(self, "state-changed")
        if title:
            self.sub_title = title
        user_themes, self._theme_problems = (
            load_user_themes(config_path.parent / THEMES_DIRECTORY) if config_path is not None else ([], [])
        )
        for theme in (*THEMES, *user_themes):
            self.register_theme(theme)
        self.theme = self._initial_theme()
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)

    def _readonly_in(self, context: str | None) -> bool:
        return self._readonly_asked or self.settings.readonly_in(context)

    @property
    def readonly(self) -> bool:
        """Whether verbs that change the cluster are hidden and refused: asked for, or configured for this context."""
        connection = self.store.state.connection
        if self._readonly_asked or connection is None:
            return self._readonly_in(None)
        return connection.readonly

    def _new_gateway(self) -> KubeGateway:
        return KubeGateway(self.target, self.store.dispatch, readonly_in=self._readonly_in)

    def _follow_readonly(self, state: AppState) -> None:
        # Another context may be read-only where the last was not (or the other way): the footer must follow.
        if state.connection is not None and state.connection.readonly != self._shown_readonly:
            self._shown_readonly = state.connection.readonly
            self.screen.refresh_bindings()

    @cached_property
    def aws_gateway(self) -> AwsGateway:
        """AWS calls for the screens (they block: call them from workers); the region falls back to the current
        kubeconfig context's EKS cluster, as `hyp` does."""
        context_region = region_of_kube_context(self.target.kubeconfig, self.target.context)
        return AwsGateway(self.aws, context_region=context_region)

    def _initial_theme(self) -> str:
        chosen = self.settings.theme
        if chosen and chosen in self.available_themes:
            return chosen
        if chosen:
            self._settings_problem = f"theme {chosen!r} is not installed; using {DEFAULT_THEME}"
        return MONOCHROME_THEME if os.environ.get("NO_COLOR") else DEFAULT_THEME

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(VARIABLE_DEFAULTS)

    def on_mount(self) -> None:
        self.store.attach(asyncio.get_running_loop())
        self.store.subscribe(self.state_changed.publish)
        self.store.subscribe(self._restore_memory)
        self._shown_readonly = self.readonly
        self.store.subscribe(self._follow_readonly)
        self.switch_mode(FIRST_SECTION)
        if self.walkthrough is not None:
            self.walkthrough.attach()
        self._start_gateway()
        if self._open_directory is not None:
            self.call_later(self.open_config_directory, self._open_directory)
        # Ages move on even when nothing in the cluster does.
        self.set_interval(1.0, lambda: self.state_changed.publish(self.store.state))
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        for problem in filter(None, (self._settings_problem, *self._theme_problems)):
            self.notify(problem, severity="warning", timeout=8)

    def on_unmount(self) -> None:
        self.store.detach()
        if self._recorder is not None:
            self._recorder.close()

    def _start_gateway(self) -> None:
        if self._fed:  # a replay: nothing may reach a cluster
            return
        self.run_worker(self.gateway.run(), name="kube-gateway", group="gateway", exclusive=True, exit_on_error=False)

    def _remember_theme(self, theme) -> None:
        if self.config_path is not None and not remember_theme(self.config_path, theme.name):
            self.notify(f"{self.config_path} is not valid YAML; the theme was not saved", severity="warning")

    # -- sections and the command line ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.walkthrough is not None or not action.startswith("walkthrough_")  # only `hyptui demo` has them

    def action_walkthrough_next(self) -> None:
        if self.walkthrough is not None:
            self.walkthrough.advance()

    def action_walkthrough_back(self) -> None:
        if self.walkthrough is not None:
            self.walkthrough.back()

    def action_walkthrough_restart(self) -> None:
        if self.walkthrough is not None:
            self.walkthrough.restart_module()

    async def action_open_section(self, section: str) -> None:
        await self.switch_mode(section)  # so the remembered filter goes to the section's screen, not the last one
        self._section_shown(section)

    async def open_config_directory(self, directory: Path, *, here: bool = False) -> None:
        """The directory's form on top of the section its template belongs to (`hyptui open DIR`), or on top of the
        current screen (`here`: the configs section, which esc should return to)."""
        try:
            document = ConfigDocument.load(directory)
        except ConfigFileError as error:
            self.notify(str(error), severity="error", timeout=10)
            return
        if not here:
            await self._section_root(template_section(document.template.name))
        await self.push_screen(ConfigFormScreen(document.template, document))

    # -- where the user was, per context ----------------------------------------------------------------------

    def _restore_memory(self, state: AppState) -> None:
        connection = state.connection
        if connection is None or connection.context == self._restored_context:
            return
        self._restored_context = connection.context
        self._filters_restored.clear()
        remembered = self._memory.get(connection.context)
        if remembered is not None:
            self.call_later(self._apply_memory, remembered)

    async def _apply_memory(self, remembered: ContextMemory) -> None:
        if remembered.namespace and not self._scope_given:
            namespace = None if remembered.namespace == ALL_NAMESPACES else remembered.namespace
            if namespace != self.target.namespace:
                self.use_namespace(namespace)
        if remembered.section in self.MODES:
            await self._section_root(remembered.section)
        else:
            self._section_shown(self.current_mode)

    def _section_shown(self, section: str) -> None:
        """Remember the section; the first time it shows for this context, put its remembered filter back."""
        self._remember(lambda memory: replace(memory, section=section))
        if section in self._filters_restored:
            return
        self._filters_restored.add(section)
        connection = self.store.state.connection
        remembered = self._memory.get(connection.context) if connection is not None else None
        text = remembered.filters.get(section) if remembered is not None else None
        if text and hasattr(self.screen, "apply_filter"):
            self.screen.apply_filter(text)

    def remember_filter(self, text: str) -> None:
        """A section's filter as typed (TableScreen calls this for the screen at the root of a section)."""
        self._remember(lambda memory: memory.with_filter(self.current_mode, text))

    def _remember(self, change: Callable[[ContextMemory], ContextMemory]) -> None:
        connection = self.store.state.connection
        if self._memory_path is None or connection is None:
            return
        current = self._memory.get(connection.context, ContextMemory())
        updated = change(current)
        if updated == current:
            return
        self._memory = {**self._memory, connection.context: updated}
        with contextlib.suppress(OSError):  # a convenience: an unwritable state directory must not get in the way
            save_memory(self._memory_path, self._memory)

    async def open_job(self, key: ObjectKey) -> None:
        """A job's detail on top of the jobs section (where Back leads to the job list)."""
        await self._section_root("jobs")
        await self.push_screen(JobDetailScreen(key))

    async def go_to_object(self, kind_key: str, namespace: str, name: str) -> bool:
        """Where Enter on a problem or an event leads: a job (or a pod's job) opens its detail, a pod without a
        job its log, a node the nodes section filtered to it. False when hyptui has no view for that kind."""
        if kind_key == HYPERPOD_PYTORCH_JOBS.key:
            await self.open_job((namespace, name))
        elif kind_key == PODS.key:
            pod = get_object(self.store.state, PODS.key, (namespace, name))
            job = owning_job(dict(pod.labels)) if pod else None
            if job is not None:
                await self.open_job((namespace, job))
            else:
                self.open_pod_log(namespace, name)
        elif kind_key == NODES.key:
            await self.run_command_text(f"nodes {name}")
        else:
            return False
        return True

    def open_pod_log(self, namespace: str, pod: str) -> None:
        self.push_screen(PodLogScreen(namespace, pod))

    async def _section_root(self, section: str) -> None:
        await self.switch_mode(section)
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        self._section_shown(section)

    async def run_command_text(self, text: str) -> None:
        await self.run_command(parse_command(text, self.settings.aliases))

    def action_command(self) -> None:
        self.push_screen(CommandBar(self.settings.aliases, context_names(self.target)), self.run_command)

    async def run_command(self, command: Command | None) -> None:
        if isinstance(command, Quit):
            self.exit(0)
        elif isinstance(command, OpenSection):
            await self._section_root(command.section)
            if command.filter:
                self.screen.apply_filter(command.filter)
        elif isinstance(command, UseNamespace):
            self.use_namespace(command.namespace)
        elif isinstance(command, UseContext):
            self.use_context(command.context)

    def use_namespace(self, namespace: str | None) -> None:
        """Watch another namespace (None: all of them); the store drops the old scope's objects and relists."""
        self.target = replace(self.target, namespace=namespace, all_namespaces=namespace is None)
        self.gateway = self._new_gateway()
        self._start_gateway()
        self._remember(lambda memory: replace(memory, namespace=namespace or ALL_NAMESPACES))

    def use_context(self, context: str) -> None:
        """Another cluster from the same kubeconfig; its namespace scope follows that context (or -A if given)."""
        self.target = replace(self.target, context=context, namespace=None)
        self.gateway = self._new_gateway()
        self._start_gateway()

    def use_kubeconfig_context(self, kubeconfig: Path, context: str) -> None:
        """A context just written into a kubeconfig (a HyperPod cluster's, set from the clusters section)."""
        self.target = replace(self.target, kubeconfig=kubeconfig, context=context, namespace=None)
        self.gateway = self._new_gateway()
        self._start_gateway()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    # -- verbs shared by the screens ------------------------------------------------------------------------

    def show_yaml(self, kind: ResourceKind, obj: KubeObject) -> None:
        where = f"{obj.namespace}/{obj.name}" if obj.namespace else obj.name
        self.push_screen(YamlScreen(f"{kind.kind} {where}", obj.raw, kind))

    def confirm_delete(
        self,
        kind: ResourceKind,
        targets: Sequence[ObjectKey],
        *,
        consequence: str = "",
        then: Callable[[], object] | None = None,
        action: str = "Delete",
    ) -> None:
        """One question for all targets; on yes, delete each and run `then` (e.g. leave a deleted object's detail)."""
        if len(targets) == 1:
            namespace, name = targets[0]
            question = f"{action} {kind.kind} {name}" + (f" in {namespace}?" if namespace else "?")
        else:
            listed = "\n".join(f"  {namespace}/{name}" if namespace else f"  {name}" for namespace, name in targets)
            question = f"{action} these {len(targets)} {kind.plural}?\n{listed}"
        if consequence:
            question += f"\n{consequence}"

        def answered(yes: bool | None) -> None:
            if yes:
                for namespace, name in targets:
                    self.delete_object(kind, namespace or None, name)
                if then is not None:
                    then()

        self.push_screen(ConfirmModal(question, action), answered)

    def confirm_patch(
        self, kind: ResourceKind, namespace: str | None, name: str, patch: dict, *, question: str, action: str
    ) -> None:
        """Ask, then merge-patch one object in the background (e.g. a node's health label for a demo fault)."""

        def answered(yes: bool | None) -> None:
            if yes and not self.readonly:
                self.run_worker(self._patch(kind, namespace, name, patch), group="verbs", exit_on_error=False)

        self.push_screen(ConfirmModal(question, action), answered)

    async def _patch(self, kind: ResourceKind, namespace: str | None, name: str, patch: dict) -> None:
        try:
            await self.gateway.merge_patch(kind, namespace, name, patch)
        except Exception as error:  # the API's reason is the message the user needs
            self.notify(f"Could not change {kind.singular} {name}: {error}", severity="error")

    def delete_object(self, kind: ResourceKind, namespace: str | None, name: str) -> None:
        """Delete in the background; failures reach the user as a notice, never as a crash."""
        if self.readonly:  # the screens hide the verb; this keeps any other path from sending the request
            return

        async def delete() -> None:
            try:
                await self.gateway.delete(kind, namespace, name)
            except Exception as error:  # the API's reason is the message the user needs
                self.store.dispatch(Notice(f"Could not delete {kind.singular} {name}: {error}"))
                self.notify(f"Could not delete {name}: {error}", severity="error")
            else:
                self.notify(f"Deleted {kind.singular} {name}")

        self.run_worker(delete(), group="verbs", exit_on_error=False)


def run(launch: AppLaunch) -> int:
    app = HyptuiApp(
        launch.target,
        readonly=launch.readonly,
        clock=launch.clock,
        title=launch.title,
        config_path=config_path(),
        aws=launch.aws,
        memory_path=memory_path(),
        open_directory=launch.open_directory,
        recorder=launch.recorder,
        walkthrough=launch.walkthrough,
    )
    return app.run() or 0
