"""Random field values never crash the models, the validator or the writer; a value of the wrong kind always yields a
message naming its field."""

from __future__ import annotations

import contextlib
import types
import typing
from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hyptui.hyp_configs.config_file import ConfigFileError, config_text, parse_config_text
from hyptui.hyp_configs.registry import TEMPLATES, TemplateSpec
from hyptui.hyp_configs.validation import validate_values

SPECS = [spec for versions in TEMPLATES.values() for spec in versions.values()]
# hyp turns any value of these into text before validating, so nothing is of the wrong kind for them
STRINGIFIED = {"kubernetes_version"}
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
anything = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12,
)


def _values(spec: TemplateSpec) -> st.SearchStrategy[dict[str, Any]]:
    names = list(spec.model.model_fields)
    return st.dictionaries(st.sampled_from(names), anything, max_size=len(names))


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: f"{s.name}-{s.version}")
@SETTINGS
@given(data=st.data())
def test_random_values_never_crash_validation_or_the_writer(spec: TemplateSpec, data: st.DataObject) -> None:
    values = data.draw(_values(spec))
    messages = validate_values(spec, values, queues=["q"], priority_classes=["p"])
    assert all(isinstance(m.message, str) and m.message for m in messages)
    text = config_text(spec, values)
    assert text.startswith(f"# template: {spec.name}\n# version: {spec.version}\n\n")
    # hyp's writer does not quote strings, so a value like "{a" makes a file YAML cannot read back: a clean error
    with contextlib.suppress(ConfigFileError):
        parse_config_text(text)


def _base_type(annotation: Any) -> Any:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return next(a for a in typing.get_args(annotation) if a is not type(None))
    return annotation


def _wrong_value(annotation: Any) -> st.SearchStrategy[Any]:
    """Values pydantic can never accept for a field of this type."""
    base = _base_type(annotation)
    origin = typing.get_origin(base)
    if base is bool:
        return st.text(min_size=1, max_size=8).filter(
            lambda t: t.lower() not in {"0", "1", "true", "false", "yes", "no", "on", "off", "t", "f", "y", "n"}
        )
    if base in (int, float):
        return st.sampled_from(["many", "1x", [1], {"a": 1}])
    if base is str or origin is Literal:
        return st.one_of(st.lists(st.text(), min_size=1, max_size=3), st.dictionaries(st.text(), st.text(), min_size=1))
    if origin in (list, dict):
        return st.integers()
    return st.integers()  # nested models


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: f"{s.name}-{s.version}")
@SETTINGS
@given(data=st.data())
def test_a_wrong_kind_of_value_is_reported_against_its_field(spec: TemplateSpec, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from([n for n, f in spec.model.model_fields.items() if f.annotation is not Any]))
    if name == spec.volume_field or name in STRINGIFIED:
        return  # hyp reads `volume:` leniently (entries that are not mappings are dropped); tested with the goldens
    value = data.draw(_wrong_value(spec.model.model_fields[name].annotation))
    messages = validate_values(spec, {name: value})
    assert any(name in m.fields and m.loc.split(".")[0] == name for m in messages), [str(m) for m in messages]
