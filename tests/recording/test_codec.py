"""Every store action survives JSON and comes back equal; a new action class without a codec entry fails here."""

from __future__ import annotations

import dataclasses
import inspect
import json

import pytest

from hyptui.recording.codec import ACTION_CLASSES, ActionDecodeError, action_name, decode_action, encode_action
from hyptui.store import actions
from tests.recording.samples import SAMPLES


def test_every_action_class_in_the_actions_module_is_known_to_the_codec_and_sampled() -> None:
    defined = {
        cls
        for _, cls in inspect.getmembers(actions, inspect.isclass)
        if cls.__module__ == actions.__name__ and dataclasses.is_dataclass(cls)
    }
    assert defined == set(ACTION_CLASSES)
    assert {type(sample) for sample in SAMPLES} == defined


@pytest.mark.parametrize("action", SAMPLES, ids=lambda action: action_name(action))
def test_an_action_comes_back_equal_through_json_text(action) -> None:
    text = json.dumps(encode_action(action))
    decoded = decode_action(action_name(action), json.loads(text))
    assert decoded == action
    assert type(decoded) is type(action)


def test_an_unknown_action_name_is_refused_naming_it() -> None:
    with pytest.raises(ActionDecodeError, match="unknown action 'Teleported'"):
        decode_action("Teleported", {})


def test_a_field_of_the_wrong_shape_is_named() -> None:
    with pytest.raises(ActionDecodeError, match=r"WatchEvent type: Input should be 'ADDED'"):
        decode_action("WatchEvent", {"kind": "jobs", "type": "EXPLODED", "obj": {}})
