"""The section table drives the section verbs, the `:` words and the template forms; the app has a screen for each
row."""

from __future__ import annotations

import pytest

from hyptui.hyp_configs.registry import TEMPLATES
from hyptui.views.command_line import OpenSection, parse_command
from hyptui.views.sections import SECTIONS, template_section
from hyptui.views.verbs import VERBS, Verb


def test_each_section_has_a_verb_with_its_keys_title_and_footer_flag() -> None:
    section_verbs = [verb for verb in VERBS.values() if verb.id.startswith("section_")]
    assert section_verbs == [
        Verb(f"section_{section.id}", section.keys, section.title, show=section.show) for section in SECTIONS.values()
    ]


def test_the_number_keys_are_today_s() -> None:
    keys = {section.id: section.keys for section in SECTIONS.values()}
    assert keys == {
        "jobs": "1",
        "nodes": "2",
        "problems": "3,exclamation_mark",
        "events": "4",
        "queues": "5",
        "endpoints": "6",
        "spaces": "7",
        "clusters": "8",
        "pods": "9",
        "configs": "0",
    }
    assert [section.id for section in SECTIONS.values() if section.show] == ["problems"]


@pytest.mark.parametrize("section", list(SECTIONS.values()), ids=list(SECTIONS))
def test_every_word_of_a_row_opens_its_section(section) -> None:
    assert section.words[0] == section.id
    for word in section.words:
        assert parse_command(word) == OpenSection(section.id)


def test_no_word_opens_two_sections() -> None:
    words = [word for section in SECTIONS.values() for word in section.words]
    assert len(words) == len(set(words))


def test_each_template_belongs_to_one_section() -> None:
    claimed = [template for section in SECTIONS.values() for template in section.templates]
    assert sorted(claimed) == sorted(TEMPLATES)
    assert template_section("hyp-pytorch-job") == "jobs"
    assert template_section("hyp-custom-endpoint") == template_section("hyp-jumpstart-endpoint") == "endpoints"
    assert template_section("hyp-space") == "spaces"
    assert template_section("cluster-stack") == "clusters"
    assert template_section("no-such-template") == "jobs"
