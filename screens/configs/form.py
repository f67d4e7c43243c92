"""A form for a `hyp init` directory, for any template the config engine knows: required fields first, the rest under
"Advanced", the engine's messages beside each field as you type, and side by side the config.yaml it writes and the
manifest create would submit. Save writes the directory as `hyp init` + `hyp configure` would; create also submits it
to the current context. While a directory is open, edits to its config.yaml from another editor flow into the form."""

from __future__ import annotations

import asyncio
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Collapsible, Input, Label, Static, TextArea
from watchfiles import awatch

from hyptui.hyp_configs.cluster_choices import ClusterChoices, cluster_choices
from hyptui.hyp_configs.cluster_stack_params import PREVIEW_TOKEN, ClusterStackParamsError, stack_request
from hyptui.hyp_configs.config_file import (
    CONFIG_FILE,
    AlreadyInitialized,
    ConfigDocument,
    ConfigFileError,
    init_directory,
    initial_values,
)
from hyptui.hyp_configs.registry import ConfigField, TemplateSpec, get_template
from hyptui.hyp_configs.submit import (
    StackSubmission,
    Submission,
    SubmitError,
    context_namespace,
    create_cluster_stack,
    manifest,
    prepare,
    submit,
)
from hyptui.hyp_configs.validation import FieldMessage, messages_by_field, validate_values
from hyptui.screens.clusters.stack_progress import StackProgressScreen
from hyptui.screens.shell.base import LiveScreen
from hyptui.screens.shell.confirm import ConfirmModal
from hyptui.screens.shell.connection_bar import ConnectionBar
from hyptui.screens.shell.footer import KeyFooter
from hyptui.screens.shell.verb_bindings import bindings
from hyptui.screens.widgets.field_input import FieldRow
from hyptui.screens.widgets.text_lines import ScreenTitle, StatusLine
from hyptui.store.state import AppState

PREVIEW_DELAY = 0.15  # seconds of quiet typing before validation and previews catch up
# The field a new directory is named after (`./<job_name>/`), first one the template has.
NAME_FIELDS = ("job_name", "endpoint_name", "name", "model_id", "resource_name_prefix")
UNSAVED = "Your changes are not saved to config.yaml."
CLOUDFORMATION = "cfn"  # a template whose create is a CloudFormation stack (cluster-stack), not a Kubernetes object


class AdvancedFields(Collapsible, inherit_css=False):
    """A Collapsible without Textual's `:focus-within` tint, which re-styles every field inside it on each Tab
    (400 ms a keystroke with pytorch-job's 35 optional fields); its own DEFAULT_CSS gives it the rest of its style."""

    DEFAULT_CSS = """
    AdvancedFields {
        width: 1fr;
        height: auto;
        border-top: hkey $panel;
    }

    AdvancedFields.-collapsed > Contents {
        display: none;
    }
    """


def template_directory(spec: TemplateSpec) -> Path:
    """Where the package keeps the template's files: what an unsaved form renders its manifest preview with."""
    return Path(str(resources.files("hyptui.hyp_configs").joinpath("templates", spec.name, spec.version)))


class ConfigFormScreen(LiveScreen):
    DEFAULT_CSS = """
    #form-body {
        height: 1fr;
    }

    #form-fields {
        width: 1fr;
        min-width: 40;
    }

    #form-previews {
        width: 1fr;
    }

    .field-row {
        height: auto;
        padding: 0 1;
        margin-bottom: 1;
    }

    .field-name {
        color: $accent;
        text-style: bold;
    }

    .field-description {
        color: $foreground-muted;
    }

    .field-message {
        display: none;
        color: $error;
    }

    .field-row.-invalid .field-message {
        display: block;
    }

    .field-row.-warning .field-message {
        display: block;
        color: $warning;
    }

    .field-row.-invalid Input, .field-row.-invalid TextArea, .field-row.-invalid SelectCurrent {
        background: $error 20%;
    }

    .field-row TextArea {
        height: auto;
        min-height: 1;
        max-height: 8;
        background: $boost;
    }

    ConfigFormScreen .field-row Switch {
        border: none;
        height: 1;
        padding: 0;
    }

    #form-problem {
        display: none;
        height: auto;
        max-height: 6;
        padding: 0 1;
        color: $error;
    }

    #form-problem.-shown {
        display: block;
    }
    """
    BINDINGS = bindings("back", "save_config", "validate_config", "create_from_config", "load_config", "quit")

    def __init__(self, spec: TemplateSpec, document: ConfigDocument | None = None) -> None:
        super().__init__()
        self.spec = spec
        self._opened = document  # a directory on disk; None: a new one, written on the first save
        self._base: ConfigDocument | None = None  # what the form started from, or last loaded or saved
        self._directory: Path | None = document.directory if document else None
        self._names_directory = document is None  # the directory field follows the name until the user types one
        self._choices = ClusterChoices()
        self._messages: list[FieldMessage] = []
        self._file_problem: str | None = None  # config.yaml changed on disk and does not load
        self._create_problem: str | None = None
        self._creating = False
        self._show_every_message = document is not None  # a new form holds back "Field required" until asked
        self._refresh_timer: Timer | None = None
        self._previewed: str | None = None  # the config.yaml text both previews show
        self._watch_stop: asyncio.Event | None = None

    @classmethod
    def new(cls, template: str) -> ConfigFormScreen:
        return cls(get_template(template))

    # -- layout ---------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        target = self.hyptui.target
        self.default_namespace = context_namespace(target.kubeconfig, target.context) or "default"
        self._base = self._opened or ConfigDocument(
            template_directory(self.spec), self.spec, initial_values(self.spec, self.default_namespace)
        )
        self._choices = cluster_choices(self.hyptui.store.state)
        fields = self.spec.fields()
        yield ConnectionBar()
        yield ScreenTitle(self._title(), id="form-title")
        with Horizontal(id="form-body"):
            with VerticalScroll(id="form-fields"):
                for field in fields:
                    if field.required:
                        yield self._row(field)
                with Vertical(id="row-directory", classes="field-row"):
                    yield Label("directory", classes="field-name")
                    yield Input(str(self._directory or ""), id="directory", compact=True, placeholder=self._hint())
                    yield Static(
                        "Where config.yaml, the template and README.md are written (hyp init's DIRECTORY), relative "
                        "to where hyptui started; ctrl+o loads an existing one instead",
                        classes="field-description",
                    )
                optional = [field for field in fields if not field.required]
                with AdvancedFields(title=f"Advanced · {len(optional)} optional fields", id="advanced"):
                    for field in optional:
                        yield self._row(field)
            with Vertical(id="form-previews"):
                yield TextArea(id="config-preview", read_only=True, soft_wrap=False, compact=True)
                yield TextArea(id="manifest-preview", read_only=True, soft_wrap=False, compact=True)
        yield Static("", id="form-problem", markup=False)
        yield StatusLine()
        yield KeyFooter()

    def _row(self, field: ConfigField) -> FieldRow:
        assert self._base is not None
        suggestions = self._choices.images if field.name in ("image", "image_uri") else ()
        return FieldRow(
            field,
            self._base.values.get(field.name),
            options=self._choices.for_field(field.name, self._base.values.get("namespace")),
            suggestions=suggestions,
        )

    def on_mount(self) -> None:  # LiveScreen's on_mount runs too (Textual calls each class's handler)
        self.query_one("#config-preview").border_title = CONFIG_FILE
        submits = "CloudFormation stack" if self.spec.kind == CLOUDFORMATION else "manifest"
        self.query_one("#manifest-preview").border_title = f"{submits} create submits"
        rows = self.rows
        if rows:
            rows[0].editor.focus()
        if self._directory is not None:
            self._watch(self._directory)
        self._refresh()

    def on_unmount(self) -> None:
        if self._watch_stop is not None:
            self._watch_stop.set()

    @property
    def directory(self) -> Path | None:
        """The config directory the form is open on (None until a new one is first saved)."""
        return self._directory

    @property
    def rows(self) -> list[FieldRow]:
        return list(self.query(FieldRow))

    def row(self, name: str) -> FieldRow:
        return self.query_one(f"#row-{name}", FieldRow)

    def _title(self) -> str:
        where = f" · {self._directory}" if self._directory else ""
        state = "" if self._directory else "New "
        return f"{state}{self.spec.name} {self.spec.version}{where}"

    def show_state(self, state: AppState) -> None:
        choices = cluster_choices(state)
        if choices == self._choices:
            return
        self._choices = choices
        self._offer_choices()

    def _offer_choices(self) -> None:
        namespace = self.document().values.get("namespace")
        for row in self.rows:
            options = self._choices.for_field(row.field.name, namespace)
            if options is not None:
                row.set_options(options)

    # -- the document the form holds ------------------------------------------------------------------------

    def _changes(self) -> dict[str, Any]:
        assert self._base is not None
        base = self._base.values
        return {row.field.name: row.value for row in self.rows if row.value != base.get(row.field.name)}

    def document(self) -> ConfigDocument:
        """The form as a config document: the one it started from with every field the user changed."""
        assert self._base is not None
        changes = self._changes()
        return self._base.update(changes) if changes else self._base

    @property
    def dirty(self) -> bool:
        return bool(self._changes()) or any(row.problem for row in self.rows)

    @on(FieldRow.Edited)
    def _field_edited(self, event: FieldRow.Edited) -> None:
        self._create_problem = None
        if event.row.field.name == "namespace":  # LocalQueues are per namespace
            self._offer_choices()
        if event.row.field.name in NAME_FIELDS and self._names_directory:
            field = self.query_one("#directory", Input)
            with self.prevent(Input.Changed):
                field.value = self._default_directory()
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
        self._refresh_timer = self.set_timer(PREVIEW_DELAY, self._refresh)

    @on(Input.Changed, "#directory")
    def _directory_typed(self, event: Input.Changed) -> None:
        self._names_directory = not event.value

    def _name_field(self) -> str | None:
        return next((name for name in NAME_FIELDS if name in self.spec.model.model_fields), None)

    def _name_value(self) -> str:
        name_field = self._name_field()
        value = self.row(name_field).value if name_field else None
        return value if isinstance(value, str) else ""

    def _default_directory(self) -> str:
        name = self._name_value()
        return f"./{name}" if name else ""

    def _hint(self) -> str:
        return f"./<{self._name_field() or self.spec.name}>"

    def _refresh(self) -> None:
        """Validate and redraw the messages and both previews from the form's current values."""
        document = self.document()
        self._messages = validate_values(
            self.spec,
            document.values,
            queues=self._choices.queues(document.values.get("namespace")),
            priority_classes=self._choices.priority_classes,
        )
        by_field = messages_by_field(self._messages)
        names = set()
        for row in self.rows:
            names.add(row.field.name)
            shown = self._show_every_message or row.touched
            row.show_messages(by_field.get(row.field.name, []) if shown else [])
        elsewhere = [str(m) for m in self._messages if not names & set(m.fields)]
        text = document.text()
        if text != self._previewed:
            self._previewed = text
            self._set_preview("#config-preview", text)
            self._set_preview("#manifest-preview", self._manifest(document))
        problems = [p for p in (self._file_problem, self._create_problem) if p] + elsewhere
        problem = self.query_one("#form-problem", Static)
        problem.update("\n".join(problems))
        problem.set_class(bool(problems), "-shown")
        self._show_status()

    def _manifest(self, document: ConfigDocument) -> str:
        if self.spec.kind == CLOUDFORMATION:
            return _stack_preview(document, self.hyptui.aws.region)
        try:
            _, obj = prepare(document, self.default_namespace)
        except SubmitError as error:
            lines = [f"# {error}"] + [f"#   \u2013 {message}" for message in error.messages]
            return "\n".join(lines) + "\n"
        return yaml.safe_dump(obj, sort_keys=False)

    def _set_preview(self, selector: str, text: str) -> None:
        preview = self.query_one(selector, TextArea)
        if preview.text != text:
            preview.load_text(text)

    def _show_status(self) -> None:
        errors = sum(1 for m in self._messages if m.severity == "error")
        warnings = len(self._messages) - errors
        parts = [str(self._directory / CONFIG_FILE) if self._directory else "not saved yet"]
        parts.append(f"{errors} error{'s' * (errors != 1)}" if errors else "valid")
        if warnings:
            parts.append(f"{warnings} warning{'s' * (warnings != 1)}")
        if self.dirty:
            parts.append("unsaved changes")
        if self._creating:
            parts.append("creating…")
        self.query_one(StatusLine).update("  ·  ".join(parts))

    # -- verbs ----------------------------------------------------------------------------------------------

    def action_validate_config(self) -> None:
        self._show_every_message = True
        self._refresh()
        problems = [row for row in self.rows if row.has_class("-invalid")]
        if not problems and not any(m.severity == "error" for m in self._messages):
            self.notify(f"{CONFIG_FILE} is valid")
            return
        count = sum(1 for m in self._messages if m.severity == "error") + sum(1 for r in problems if r.problem)
        self.notify(f"{count} problem{'s' * (count != 1)} in {CONFIG_FILE}", severity="error")
        if problems:
            self._focus_row(problems[0])

    def _focus_row(self, row: FieldRow) -> None:
        if not row.field.required:
            self.query_one("#advanced", Collapsible).collapsed = False
        row.editor.focus()
        row.scroll_visible()

    def _target_directory(self) -> Path | None:
        text = self.query_one("#directory", Input).value.strip() or self._default_directory()
        return Path(text).expanduser() if text else None

    def action_save_config(self) -> None:
        self._save()

    def _save(self) -> ConfigDocument | None:
        """Write config.yaml (and, for a new directory, everything `hyp init` writes); None when it could not."""
        unparsed = [row for row in self.rows if row.problem]
        if unparsed:
            self.notify(f"{unparsed[0].field.name}: {unparsed[0].problem}", severity="error")
            self._focus_row(unparsed[0])
            return None
        target = self._target_directory()
        if target is None:
            self.notify(f"Type a directory (or the {self._name_field()}) first", severity="error")
            return None
        document = self.document()
        try:
            if self._directory is not None and _same_directory(target, self._directory):
                document.save()
            else:
                fresh = init_directory(target, self.spec.name, self.spec.version, namespace=self.default_namespace)
                known = self.spec.model.model_fields
                fresh.update({k: v for k, v in document.values.items() if k in known}).save()
            saved = ConfigDocument.load(target)
        except AlreadyInitialized:
            self.notify(
                f"{target} already has a {CONFIG_FILE}; ctrl+o loads it, or choose another directory", severity="error"
            )
            return None
        except (ConfigFileError, OSError) as error:
            self.notify(f"Could not save {target}: {error}", severity="error")
            return None
        self._open(saved)
        self.notify(f"Saved {target / CONFIG_FILE}")
        return saved

    def _open(self, document: ConfigDocument) -> None:
        """Make `document` the form's directory: every field shows its value, and its config.yaml is watched."""
        self._base = document
        self._directory = document.directory
        self._names_directory = False
        self._show_every_message = True
        self._file_problem = None
        for row in self.rows:
            row.set_value(document.values.get(row.field.name))
        with self.prevent(Input.Changed):
            self.query_one("#directory", Input).value = str(document.directory)
        self.query_one("#form-title", ScreenTitle).update(self._title())
        self._watch(document.directory)
        self._refresh()

    def action_load_config(self) -> None:
        target = self._target_directory()
        if target is None:
            self.notify("Type the directory to load first", severity="error")
            return
        if self.dirty:
            self.app.push_screen(
                ConfirmModal(f"Load {target}? {UNSAVED}", "Load"), lambda yes: self._load(target) if yes else None
            )
        else:
            self._load(target)

    def _load(self, target: Path) -> None:
        try:
            document = ConfigDocument.load(target)
        except ConfigFileError as error:
            self.notify(str(error), severity="error")
            return
        if document.template != self.spec:  # another template: its own form
            self.app.switch_screen(ConfigFormScreen(document.template, document))
            return
        self._open(document)

    def action_create_from_config(self) -> None:
        if self.hyptui.readonly or self._creating:
            return
        self._show_every_message = True
        self._refresh()
        errors = [m for m in self._messages if m.severity == "error"]
        if errors:
            self._create_problem = f"Not created: {len(errors)} problem{'s' * (len(errors) != 1)}, first {errors[0]}"
            self._refresh()
            invalid = next((row for row in self.rows if row.has_class("-invalid")), None)
            if invalid is not None:
                self._focus_row(invalid)
            return
        document = self._save()
        if document is None:
            return
        self._creating = True
        self._show_status()
        if self.spec.kind == CLOUDFORMATION:
            self._create_stack(document)
        else:
            self._create_object(document)

    @work(exclusive=True, group="config-create", exit_on_error=False)
    async def _create_object(self, document: ConfigDocument) -> None:
        """Through the app's gateway, on the connection and context every other verb of the app uses."""
        try:
            ready = manifest(document, self.default_namespace)
            submission = await submit(ready, self.hyptui.gateway.create, now=datetime.now())
        except SubmitError as error:
            self._create_failed(error.details)
        except Exception as error:  # not connected, network or disk: the user needs its words
            self._create_failed(f"{type(error).__name__}: {error}")
        else:
            self._created(submission)

    @work(thread=True, exclusive=True, group="config-create", exit_on_error=False)
    def _create_stack(self, document: ConfigDocument) -> None:
        try:
            stack = create_cluster_stack(document, self.hyptui.aws_gateway, now=datetime.now())
        except SubmitError as error:
            self.app.call_from_thread(self._create_failed, error.details)
        except Exception as error:  # credentials, network or disk: the user needs its words
            self.app.call_from_thread(self._create_failed, f"{type(error).__name__}: {error}")
        else:
            self.app.call_from_thread(self._stack_created, stack)

    def _created(self, submission: Submission) -> None:
        self._creating = False
        self.notify(
            f"Created {submission.kind.singular} {submission.name} in {submission.namespace} "
            f"(run files in {submission.run.directory})"
        )
        if self.is_current:
            self.dismiss()

    def _stack_created(self, stack: StackSubmission) -> None:
        """A cluster stack goes on for minutes: follow it."""
        self._creating = False
        self.notify(f"Created stack {stack.stack_name} (run files in {stack.run.directory})")
        if self.is_current:
            self.app.switch_screen(StackProgressScreen(stack.stack_id))

    def _create_failed(self, reason: str) -> None:
        self._creating = False
        self._create_problem = f"Create failed: {reason}"
        self.notify(self._create_problem, severity="error")
        self._refresh()

    def action_back(self) -> None:
        self._leave(self.dismiss, f"Leave the form? {UNSAVED}", "Discard")

    def action_quit(self) -> None:
        self._leave(lambda: self.app.exit(0), f"Quit hyptui? {UNSAVED}", "Quit")

    def _leave(self, go: Any, question: str, verb: str) -> None:
        if not self.dirty:
            go()
            return
        self.app.push_screen(ConfirmModal(question, verb), lambda yes: go() if yes else None)

    # -- config.yaml edited elsewhere -----------------------------------------------------------------------

    def _watch(self, directory: Path) -> None:
        if self._watch_stop is not None:
            self._watch_stop.set()
        self._watch_stop = asyncio.Event()
        self.run_worker(
            self._watch_config(directory, self._watch_stop), group="config-watch", exclusive=True, exit_on_error=False
        )

    async def _watch_config(self, directory: Path, stop: asyncio.Event) -> None:
        async for _ in awatch(
            directory,
            watch_filter=lambda _, path: Path(path).name == CONFIG_FILE,
            stop_event=stop,
            debounce=200,
            step=20,
            recursive=False,
        ):
            if directory == self._directory:
                self._config_file_changed(directory)

    def _config_file_changed(self, directory: Path) -> None:
        """Take what another editor wrote; fields typed here and not yet saved keep what was typed."""
        assert self._base is not None
        try:
            text = (directory / CONFIG_FILE).read_text(encoding="utf-8")
            if text == self._base.text():
                return
            document = ConfigDocument.load(directory)
            if document.template != self.spec:
                raise ConfigFileError(f"it now names {document.template.name} {document.template.version}")
        except (ConfigFileError, OSError) as error:
            self._file_problem = f"{directory / CONFIG_FILE} changed and does not load: {error}\n" + (
                "The form keeps the last values that loaded."
            )
            self._refresh()
            return
        typed = self._changes()
        self._base = document
        self._file_problem = None
        for row in self.rows:
            if row.field.name not in typed:
                row.set_value(document.values.get(row.field.name))
        self._refresh()


def _stack_preview(document: ConfigDocument, region: str | None) -> str:
    """The CreateStack request for the values as they stand, with placeholders for the random parts of the names."""
    try:
        request = stack_request(document.values, region or "<region>", PREVIEW_TOKEN)
    except ClusterStackParamsError as error:
        return f"# {error}\n"
    body = {"StackName": request.name, "TemplateURL": request.template_url, "Parameters": request.parameters}
    if request.tags:
        body["Tags"] = request.tags
    return yaml.safe_dump(body, sort_keys=False, width=1000)


def _same_directory(one: Path, other: Path) -> bool:
    return one.resolve() == other.resolve()
