"""Label selectors as apimachinery parses and matches them: shared by the embedded API server and the `-l` filter."""

from __future__ import annotations

import pytest

from hyptui.hyperpod.label_selector import LabelSelector

LABELS = {"app": "trainer", "team": "ml", "tier": "gpu", "replicas": "4"}


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("", True),
        ("app=trainer", True),
        ("app==trainer", True),
        ("app=other", False),
        ("app!=other", True),
        ("missing!=x", True),
        ("app!=trainer", False),
        ("team in (ml,infra)", True),
        ("team in (infra)", False),
        ("team notin (infra, ops)", True),
        ("team notin (ml)", False),
        ("missing notin (ml)", True),
        ("tier", True),
        ("missing", False),
        ("!missing", True),
        ("!tier", False),
        ("app=trainer,team=ml", True),
        ("app=trainer, team=infra", False),
        ("replicas>3", True),
        ("replicas<3", False),
        ("example.com/owner=", False),
        ("app in (trainer),!missing,tier", True),
    ],
)
def test_label_selector_matches(selector: str, expected: bool) -> None:
    assert LabelSelector.parse(selector).matches(LABELS) is expected


def test_label_selector_empty_value_matches_empty_label() -> None:
    assert LabelSelector.parse("flag=").matches({"flag": ""})
    assert not LabelSelector.parse("flag=").matches({"flag": "on"})


def test_label_selector_on_missing_labels() -> None:
    assert LabelSelector.parse("!a").matches(None)
    assert not LabelSelector.parse("a").matches(None)
