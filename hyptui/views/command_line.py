"""The `:` command line: `:jobs`, `:nodes team-a`, `:ns hyperpod-ns-team-a`, `:ns all`, `:ctx NAME`, `:quit`, plus
user aliases."""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hyptui.views.sections import SECTIONS

NAMESPACE_WORDS = ("ns", "namespace")
CONTEXT_WORDS = ("ctx", "context")
ALL_NAMESPACES = ("all", "-A", "*")
QUIT_WORDS = ("quit", "q!")


class CommandError(ValueError):
    """What was typed, and what would have worked."""


@dataclass(frozen=True, slots=True)
class OpenSection:
    section: str
    filter: str = ""  # pre-filled `/` filter, e.g. `:jobs team-a`


@dataclass(frozen=True, slots=True)
class UseNamespace:
    namespace: str | None  # None: all namespaces


@dataclass(frozen=True, slots=True)
class UseContext:
    context: str  # a kubeconfig context name


@dataclass(frozen=True, slots=True)
class Quit:
    pass


Command = OpenSection | UseNamespace | UseContext | Quit


def _section_of(word: str) -> str | None:
    """The section a word names, exactly or as the start of exactly one section's name (`nod` -> nodes)."""
    exact = next((section.id for section in SECTIONS.values() if word in section.words), None)
    if exact is not None:
        return exact
    starts = {section.id for section in SECTIONS.values() if any(w.startswith(word) for w in section.words)}
    return starts.pop() if len(starts) == 1 else None


def parse_command(text: str, aliases: Mapping[str, str] | None = None) -> Command:
    try:
        words = shlex.split(text)
    except ValueError as error:
        raise CommandError(f"cannot read {text!r}: {error}") from None
    if not words:
        raise CommandError("type a command, e.g. jobs, nodes, ns NAME")
    expansion = (aliases or {}).get(words[0])
    if expansion is not None:
        words = shlex.split(expansion) + words[1:]
    head, rest = words[0], words[1:]
    if head in QUIT_WORDS:
        return Quit()
    if head in NAMESPACE_WORDS:
        if len(rest) != 1:
            raise CommandError(f"{head} takes one namespace name, or 'all'")
        return UseNamespace(None if rest[0] in ALL_NAMESPACES else rest[0])
    if head in CONTEXT_WORDS:
        if len(rest) != 1:
            raise CommandError(f"{head} takes one kubeconfig context name")
        return UseContext(rest[0])
    section = _section_of(head)
    if section is None:
        known = ", ".join(section.words[0] for section in SECTIONS.values())
        raise CommandError(f"unknown command {head!r}: try {known}, ns NAME, ctx NAME or quit")
    return OpenSection(section, " ".join(rest))


def completions(aliases: Mapping[str, str] | None = None, contexts: Sequence[str] = ()) -> list[str]:
    """Every word the command line knows, for the input's suggestions."""
    words = [section.words[0] for section in SECTIONS.values()]
    words += [f"{word} " for word in NAMESPACE_WORDS[:1]]
    words += [f"ctx {context}" for context in contexts]
    words += list(aliases or {})
    return [*words, "quit"]
