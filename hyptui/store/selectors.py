"""Generic selectors over AppState, and the memoization every view builds on: memoized on the identity of their
inputs (the reducers share what did not change, so an unchanged input is the very same object)."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Hashable, Mapping
from typing import Any, Generic, TypeVar, cast

from hyptui.store.state import AppState, Collection, Invocation, KubeObject, ObjectKey

F = TypeVar("F", bound=Callable[..., Any])
K = TypeVar("K", bound=Hashable)


def memoize_on_identity(function: F) -> F:
    """Remember the last call: called again with the very same argument objects, return the very same result."""
    last: tuple[tuple[Any, ...], Any] | None = None

    @functools.wraps(function)
    def memoized(*args: Any) -> Any:
        nonlocal last
        previous = last
        if previous is not None and len(previous[0]) == len(args) and all(map(operator.is_, previous[0], args)):
            return previous[1]
        result = function(*args)
        last = (args, result)
        return result

    return cast(F, memoized)


class GroupIndex(Generic[K]):
    """One collection's objects grouped by a key, rebuilt once per collection change; a group whose members did not
    change keeps its tuple, so whatever is cached per group downstream stays valid."""

    def __init__(self, group_of: Callable[[KubeObject], K | None], order: Callable[[KubeObject], Any]) -> None:
        self._group_of = group_of
        self._order = order
        self._last: tuple[Collection | None, Mapping[K, tuple[KubeObject, ...]]] = (None, {})

    def __call__(self, collection: Collection) -> Mapping[K, tuple[KubeObject, ...]]:
        built_from, previous = self._last
        if collection is built_from:
            return previous
        grouped: dict[K, list[KubeObject]] = {}
        for obj in collection.objects.values():
            group = self._group_of(obj)
            if group is not None:
                grouped.setdefault(group, []).append(obj)
        groups: dict[K, tuple[KubeObject, ...]] = {}
        for group, members in grouped.items():
            members.sort(key=self._order)
            kept = previous.get(group)
            if kept is None or len(kept) != len(members) or not all(map(operator.is_, kept, members)):
                kept = tuple(members)
            groups[group] = kept
        self._last = (collection, groups)
        return groups


def by_name(obj: KubeObject) -> str:
    return obj.name


@memoize_on_identity
def in_key_order(collection: Collection) -> tuple[KubeObject, ...]:
    """A collection's objects ordered by (namespace, name); the same tuple until the collection changes."""
    return tuple(collection.objects[key] for key in sorted(collection.objects))


def get_object(state: AppState, kind: str, key: ObjectKey) -> KubeObject | None:
    return state.collection(kind).objects.get(key)


def invocation_history(state: AppState, endpoint: str) -> tuple[Invocation, ...]:
    """The requests sent to one endpoint this session, oldest first."""
    return state.invocations.get(endpoint, ())
