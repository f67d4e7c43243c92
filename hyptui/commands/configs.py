"""`hyptui init | validate | render | create`: hyp's init workflow on directories `hyp` can also use."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from hyptui.kube.target import KubeTarget

if TYPE_CHECKING:
    from hyptui.hyp_configs.config_file import ConfigFileError
    from hyptui.hyp_configs.submit import SubmitError
    from hyptui.hyp_configs.validation import FieldMessage

# The template models are imported by the verbs that use them: every `hyptui` start parses this command line, and
# `hyptui eks-token` runs each time a kubeconfig needs a fresh token.


def register(commands: argparse._SubParsersAction) -> None:
    init = commands.add_parser("init", help="write a hyp config directory: config.yaml, template, README.md, .hyp")
    init.add_argument("template", help="the template to initialise, such as hyp-pytorch-job")
    init.add_argument("directory", nargs="?", type=Path, default=Path("."), help="where (default: .)")
    init.add_argument("-v", "--schema-version", dest="schema_version", help="schema version (default: the latest)")
    init.add_argument("--force", action="store_true", help="override a directory that already has a config.yaml")
    init.set_defaults(run=run_init)

    validate = commands.add_parser("validate", help="check config.yaml as `hyp validate` does, plus capacity")
    validate.add_argument("directory", nargs="?", type=Path, default=Path("."), help="the config directory")
    validate.set_defaults(run=run_validate)

    render = commands.add_parser("render", help="print the manifest `create` would submit")
    render.add_argument("directory", nargs="?", type=Path, default=Path("."), help="the config directory")
    render.add_argument("--raw", action="store_true", help="the template as rendered, before the SDK's rewrite")
    render.set_defaults(run=run_render)

    submit = commands.add_parser("create", help="validate, record under run/<timestamp>/ and submit to the cluster")
    submit.add_argument("directory", nargs="?", type=Path, default=Path("."), help="the config directory")
    submit.set_defaults(run=run_create)

    opened = commands.add_parser("open", help="start hyptui with a config directory loaded in its form")
    opened.add_argument("directory", nargs="?", type=Path, default=Path("."), help="the config directory")
    opened.set_defaults(run=run_open)


def _fail(message: str) -> int:
    print(f"❌  {message}", file=sys.stderr)
    return 1


def _print_messages(heading: str, messages: list[FieldMessage]) -> None:
    print(f"❌  {heading}", file=sys.stderr)
    for message in messages:
        print(f"  \u2013 {message}", file=sys.stderr)  # hyp prints an en dash


def _refused(error: ConfigFileError | SubmitError) -> int:
    if getattr(error, "messages", None):
        _print_messages(f"{error}:", error.messages)
        return 1
    return _fail(str(error))


def run_init(args: argparse.Namespace) -> int:
    from hyptui.hyp_configs.config_file import ConfigFileError, init_directory
    from hyptui.hyp_configs.registry import TEMPLATES
    from hyptui.hyp_configs.submit import context_namespace

    if args.template not in TEMPLATES:
        print(f"hyptui init: unknown template {args.template!r}; templates: {', '.join(TEMPLATES)}", file=sys.stderr)
        return 2
    namespace = context_namespace(args.kubeconfig, args.context) or "default"
    try:
        document = init_directory(
            args.directory, args.template, args.schema_version, namespace=namespace, force=args.force
        )
    except (ConfigFileError, KeyError) as error:
        return _fail(str(error.args[0]))
    spec = document.template
    print(f"✔️ {spec.name} for schema version={spec.version!r} is initialized in {args.directory}")
    return 0


def run_validate(args: argparse.Namespace) -> int:
    from hyptui.hyp_configs.config_file import ConfigDocument, ConfigFileError
    from hyptui.hyp_configs.validation import validate_values

    try:
        document = ConfigDocument.load(args.directory)
    except ConfigFileError as error:
        return _fail(str(error))
    messages = validate_values(document.template, document.values)
    errors = [m for m in messages if m.severity == "error"]
    hyp_errors = [m for m in errors if m.source == "hyp"]
    if hyp_errors:
        _print_messages("Config validation errors:", hyp_errors)
    beyond = [m for m in messages if m.source != "hyp"]
    if beyond:
        _print_messages("hyp validate accepts this, but hyp create would not get it running:", beyond)
    if errors:
        return 1
    print("✔️  config.yaml is valid!")
    return 0


def run_render(args: argparse.Namespace) -> int:
    import yaml

    from hyptui.hyp_configs.config_file import ConfigDocument, ConfigFileError
    from hyptui.hyp_configs.submit import SubmitError, context_namespace, prepare

    try:
        document = ConfigDocument.load(args.directory)
        rendered, obj = prepare(document, context_namespace(args.kubeconfig, args.context) or "default")
    except (ConfigFileError, SubmitError) as error:
        return _refused(error)
    sys.stdout.write(rendered if args.raw else yaml.safe_dump(obj, sort_keys=False))
    return 0


def run_create(args: argparse.Namespace) -> int:
    from hyptui.hyp_configs.config_file import ConfigDocument, ConfigFileError
    from hyptui.hyp_configs.render import RUN_DIRECTORY
    from hyptui.hyp_configs.submit import SubmitError, create

    try:
        document = ConfigDocument.load(args.directory)
        submission = create(document, kubeconfig=args.kubeconfig, context=args.context, now=datetime.now())
    except (ConfigFileError, SubmitError) as error:
        return _refused(error)
    print(f"✔️  Submitted! Files written to {Path(RUN_DIRECTORY) / submission.run.directory.name}")
    print(f"{submission.kind.singular}/{submission.name} created in namespace {submission.namespace}")
    return 0


def run_open(args: argparse.Namespace) -> int:
    """The app, on the section the template belongs to, with the directory's form open (a directory hyptui cannot
    read is refused before the screen is taken over, with the file and the reason)."""
    from hyptui.aws.target import AwsTarget
    from hyptui.commands.interface import AppLaunch
    from hyptui.commands.launch import run_app
    from hyptui.hyp_configs.config_file import ConfigDocument, ConfigFileError

    try:
        ConfigDocument.load(args.directory)
    except ConfigFileError as error:
        return _fail(str(error))
    target = KubeTarget(
        kubeconfig=args.kubeconfig, context=args.context, namespace=args.namespace, all_namespaces=args.all_namespaces
    )
    aws = AwsTarget(profile=args.profile, region=args.region)
    launch = AppLaunch(target, readonly=args.readonly, aws=aws, open_directory=args.directory)
    return run_app(args.ui, launch, record=args.record)
