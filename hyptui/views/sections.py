"""Every section hyptui shows, one row each: its number keys, the words the `:` line takes for it, its title, and the
hyp templates whose form it makes. The verbs, the command line, the palette and the app's modes all read this table,
so a new section is one row here plus its screen package."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    keys: str  # Textual key names, comma-separated for alternatives
    words: tuple[str, ...]  # what the `:` line takes; the first is the canonical one
    title: str  # what the footer, help and palette call its verb
    show: bool = False  # in the footer (help and palette list every section)
    templates: tuple[str, ...] = ()  # the hyp templates whose form the section's `n` makes

    @property
    def verb_id(self) -> str:
        """The verb that opens it: users remap `section_<id>` in their keymap."""
        return f"section_{self.id}"


SECTIONS: dict[str, Section] = {
    section.id: section
    for section in (
        Section(
            "jobs",
            "1",
            ("jobs", "job", "hpjobs", "hpjob", "hyperpodpytorchjobs"),
            "Jobs",
            templates=("hyp-pytorch-job",),
        ),
        Section("nodes", "2", ("nodes", "node", "no"), "Nodes"),
        Section("problems", "3,exclamation_mark", ("problems", "pb", "faults"), "Problems", show=True),
        Section("events", "4", ("events", "event", "ev"), "Events"),
        Section("queues", "5", ("queues", "q", "queue", "cq", "lq", "workloads"), "Queues"),
        Section(
            "endpoints",
            "6",
            ("endpoints", "endpoint", "ep", "inference"),
            "Endpoints",
            templates=("hyp-custom-endpoint", "hyp-jumpstart-endpoint"),
        ),
        Section("spaces", "7", ("spaces", "space", "workspaces", "ws"), "Spaces", templates=("hyp-space",)),
        Section(
            "clusters", "8", ("clusters", "cluster", "cl", "hyperpodclusters"), "Clusters", templates=("cluster-stack",)
        ),
        Section("pods", "9", ("pods", "pod", "po"), "Pods"),
        Section("configs", "0", ("configs", "config", "cfg", "dirs"), "Config directories"),
    )
}
FIRST_SECTION = "jobs"  # where the app opens, and where a template no section claims gets its form


def template_section(template: str) -> str:
    """The section whose `n` makes the template's form."""
    return next((section.id for section in SECTIONS.values() if template in section.templates), FIRST_SECTION)
