"""The `:` command grammar: sections with a pre-filter, namespaces, quit, aliases, and errors that say what works."""

from __future__ import annotations

import pytest

from hyptui.views.command_line import (
    CommandError,
    OpenSection,
    Quit,
    UseContext,
    UseNamespace,
    completions,
    parse_command,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jobs", OpenSection("jobs")),
        ("hpjob", OpenSection("jobs")),
        ("jobs team-a", OpenSection("jobs", "team-a")),
        ("nodes  g5 ", OpenSection("nodes", "g5")),
        ("no", OpenSection("nodes")),
        ("pb", OpenSection("problems")),
        ("ev", OpenSection("events")),
        ("q", OpenSection("queues")),
        ("nod", OpenSection("nodes")),
        ("j team-a", OpenSection("jobs", "team-a")),
        ("ns hyperpod-ns-team-a", UseNamespace("hyperpod-ns-team-a")),
        ("ns all", UseNamespace(None)),
        ("namespace -A", UseNamespace(None)),
        ("quit", Quit()),
        ("ctx prod-eks", UseContext("prod-eks")),
        ("cl", OpenSection("clusters")),
        ("hyperpodclusters ml", OpenSection("clusters", "ml")),
        ("po -l HPJob=llama3-1-8b-fsdp", OpenSection("pods", "-l HPJob=llama3-1-8b-fsdp")),
        ("cfg", OpenSection("configs")),
    ],
)
def test_commands(text: str, expected: object) -> None:
    assert parse_command(text) == expected


def test_aliases_expand_to_whole_commands_and_keep_extra_words() -> None:
    aliases = {"a": "jobs hyperpod-ns-team-a", "n": "nodes"}
    assert parse_command("a", aliases) == OpenSection("jobs", "hyperpod-ns-team-a")
    assert parse_command("n unschedulable", aliases) == OpenSection("nodes", "unschedulable")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "type a command"),
        (
            "deployments",
            "unknown command 'deployments': try jobs, nodes, problems, events, queues, endpoints, spaces, clusters, "
            "pods, configs, ns NAME, ctx NAME or quit",
        ),
        ("ctx", "ctx takes one kubeconfig context name"),
        ("ns", "ns takes one namespace name, or 'all'"),
        ("ns a b", "ns takes one namespace name, or 'all'"),
        ("jobs 'team", "cannot read"),
    ],
)
def test_errors_say_what_would_have_worked(text: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        parse_command(text)


def test_completions_offer_sections_namespace_aliases_and_quit() -> None:
    assert completions({"a": "jobs"}, ["one"]) == [
        "jobs",
        "nodes",
        "problems",
        "events",
        "queues",
        "endpoints",
        "spaces",
        "clusters",
        "pods",
        "configs",
        "ns ",
        "ctx one",
        "a",
        "quit",
    ]
