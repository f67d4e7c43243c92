"""Every verb hyptui offers, by id: its default keys, what the footer, help and palette call it, and whether it
changes the cluster. Screens bind verbs from this one table; users remap them by id in their config. The
`section_<id>` verbs come from the section table."""

from __future__ import annotations

from dataclasses import dataclass

from hyptui.views.sections import SECTIONS, Section


@dataclass(frozen=True, slots=True)
class Verb:
    id: str
    keys: str  # Textual key names, comma-separated for alternatives
    description: str
    mutating: bool = False  # hidden, and never sent, in read-only mode
    show: bool = True  # in the footer (help and palette list every verb)
    key_display: str | None = None


def section_verb(section: Section) -> Verb:
    """The verb a section's number keys run; its id (`section_<id>`) is what a keymap names."""
    return Verb(section.verb_id, section.keys, section.title, show=section.show)


VERBS: dict[str, Verb] = {
    verb.id: verb
    for verb in (
        Verb("quit", "q", "Quit"),
        Verb("help", "question_mark", "Help", key_display="?"),
        Verb("command", "colon", "Command", key_display=":"),
        Verb("filter", "slash", "Filter", key_display="/"),
        Verb("search", "slash", "Search", key_display="/"),
        Verb("back", "escape", "Back"),
        Verb("sort_left", "shift+left", "Sort by previous column", show=False),
        Verb("sort_right", "shift+right", "Sort by next column", show=False),
        Verb("flip_order", "o", "Order"),
        Verb("mark", "space", "Mark", show=False),
        Verb("clear_marks", "ctrl+backslash", "Clear marks", show=False),
        Verb("copy_name", "c", "Copy name", show=False),
        Verb("yaml", "y", "YAML"),
        Verb("delete", "ctrl+d", "Delete", mutating=True),
        Verb("logs", "l", "Logs"),
        Verb("job_logs", "L", "All pods' logs"),
        Verb("kill_pod", "ctrl+k", "Kill pod", mutating=True),
        Verb("fault_node", "F", "Mark unhealthy", mutating=True),
        Verb("timestamps", "t", "Timestamps"),
        Verb("marker", "m", "Marker"),
        Verb("save_log", "ctrl+s", "Save"),
        Verb("tail_more", "plus", "Tail more", key_display="+"),
        Verb("wrap", "w", "Wrap"),
        Verb("since_all", "0", "Since: tail only", show=False),
        Verb("since_1m", "1", "Since 1m", show=False),
        Verb("since_5m", "2", "Since 5m", show=False),
        Verb("since_15m", "3", "Since 15m", show=False),
        Verb("since_1h", "4", "Since 1h", show=False),
        Verb("follow", "f", "Follow"),
        Verb("next_match", "n", "Next match", show=False),
        Verb("previous_match", "N", "Previous match", show=False),
        Verb("reload", "r", "Reload"),
        *(section_verb(section) for section in SECTIONS.values()),
        Verb("open_config", "e", "Open in form"),
        Verb("operator_logs", "O", "Operator logs"),
        Verb("new", "n", "New job", show=False),
        Verb("save_config", "ctrl+s", "Save"),
        Verb("validate_config", "ctrl+t", "Validate"),
        Verb("create_from_config", "ctrl+r", "Create", mutating=True),
        Verb("load_config", "ctrl+o", "Load dir"),
        Verb("edit", "e", "Edit", mutating=True),
        Verb("apply_edit", "ctrl+s", "Send edit", mutating=True),
        Verb("new_endpoint", "n", "New endpoint"),
        Verb("new_jumpstart", "J", "New JumpStart"),
        Verb("invoke", "i", "Invoke"),
        Verb("send_request", "ctrl+r", "Send"),
        Verb("new_space", "n", "New space"),
        Verb("start_space", "s", "Start", mutating=True),
        Verb("stop_space", "S", "Stop", mutating=True),
        Verb("access_vscode", "a", "VS Code URL", mutating=True),
        Verb("access_web", "A", "Web UI URL", mutating=True),
        Verb("space_templates", "T", "Templates"),
        Verb("describe_cluster", "d", "Describe"),
        Verb("new_cluster_stack", "n", "New cluster stack"),
        Verb("governance", "g", "Governance"),
        Verb("edit_governance", "E", "Edit governance", mutating=True),
        Verb("apply_governance", "ctrl+s", "Apply", mutating=True),
        Verb("add_priority_class", "ctrl+n", "Add class"),
        Verb("remove_priority_class", "ctrl+delete", "Remove class", key_display="ctrl+del"),
        Verb("move_class_up", "alt+up", "Move class up", show=False),
        Verb("move_class_down", "alt+down", "Move class down", show=False),
        Verb("add_team", "ctrl+t", "Add team"),
        Verb("replay_pause", "p", "Play/pause"),
        Verb("replay_step", "full_stop", "Step", key_display="."),
        Verb("replay_back", "left_square_bracket", "Back 10%", show=False, key_display="["),
        Verb("replay_forward", "right_square_bracket", "Forward 10%", show=False, key_display="]"),
        Verb("replay_slower", "less_than_sign", "Slower", show=False, key_display="<"),
        Verb("replay_faster", "greater_than_sign", "Faster", show=False, key_display=">"),
        Verb("replay_seek", "ctrl+g", "Go to time", show=False),
        Verb("walkthrough_next", "f8", "Walkthrough: next", show=False),
        Verb("walkthrough_back", "f7", "Walkthrough: step back", show=False),
        Verb("walkthrough_restart", "f6", "Walkthrough: restart module", show=False),
        Verb("narration_next", "space,enter", "Next", key_display="space"),
        Verb("narration_back", "backspace", "Step back"),
        Verb("narration_restart", "r", "Restart module"),
    )
}
