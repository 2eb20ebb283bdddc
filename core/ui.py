"""What each app adds to the shared pages: navigation links, home cards, and the panels of the
village and person pages.

An app registers its slots in its AppConfig.ready() (`<app>/ui.py`); the base templates render
what is registered for the user (`{% slots "nav" %}`), so a new app adds its panel without
editing an upstream template. Who sees a slot is `core.policy.has_role`; a panel's data comes
from a selector given as `context`, never from queries in a template tag.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language

from .policy import has_role

KINDS = ("nav", "home", "village", "person")
STATIC_KINDS = frozenset({"nav"})


@dataclass(frozen=True)
class Slot:
    template: str
    roles: frozenset
    order: int = 100
    # Only users whose own role is one of `roles` (superusers pass has_role for every role).
    exact: bool = False
    # (user, obj) -> extra template context, or None to leave the slot out for this object.
    context: Callable | None = None


_SLOTS: dict[str, list[Slot]] = {kind: [] for kind in KINDS}


def register(
    kind: str, template: str, *, roles, order: int = 100, context=None, exact: bool = False
) -> None:
    """Add `template` to every page's `kind` slot for `roles`, in `order`."""
    if kind not in _SLOTS:
        raise ValueError(f"unknown slot {kind!r}; one of {KINDS}")
    if kind in STATIC_KINDS and context is not None:
        raise ValueError(f"{kind!r} slots depend on the reader's role only: no context")
    slots = _SLOTS[kind]
    if any(slot.template == template for slot in slots):
        return  # ready() may run twice (tests); one registration per template
    slots.append(Slot(template, frozenset(roles), order=order, exact=exact, context=context))
    slots.sort(key=lambda slot: slot.order)


@dataclass(frozen=True)
class WorkItem:
    """One line of the home page's work list: what waits for the user, how many, where.

    `key` is stable (the page marks the line `data-testid="work-<key>"`); `kind` "todo" is
    work waiting for this user, "alert" something that went wrong, "figure" a number to
    know (a viewer has nothing to do but read the figures)."""

    key: str
    label: str
    count: int
    url: str
    kind: str = "todo"


@dataclass(frozen=True)
class WorkSource:
    name: str
    provider: Callable  # (user) -> iterable of WorkItem, from the app's selectors
    roles: frozenset
    order: int = 100
    exact: bool = False


_WORK: list[WorkSource] = []


def register_work(name: str, provider, *, roles, order: int = 100, exact: bool = False) -> None:
    """Add `provider(user)` to the home page's work list for `roles`.

    A provider counts with a fixed number of queries whatever the data (one aggregate per
    table), so the home page's query count stays pinned; an app that adds work (reports
    overdue, rounds to open) registers its own provider in its ui.py."""
    if any(source.name == name for source in _WORK):
        return  # ready() may run twice (tests); one registration per name
    _WORK.append(WorkSource(name, provider, frozenset(roles), order=order, exact=exact))
    _WORK.sort(key=lambda source: source.order)


def work_for(user) -> list[WorkItem]:
    """The work list of `user`: every registered provider they may see, items with a count
    only (nothing waiting is not listed)."""
    items: list[WorkItem] = []
    for source in _WORK:
        if not has_role(user, source.roles) or (source.exact and user.role not in source.roles):
            continue
        items.extend(item for item in source.provider(user) if item.count)
    return items


def static_key(kind: str, user) -> tuple | None:
    """The key under which a `kind` slot row rendered for `user` may be kept and shared, or
    None. Navigation (`STATIC_KINDS`) is links chosen by the reader's role alone, rendered on
    every page: it is rendered once per role, language and URL prefix and kept for the
    process's life (its slot templates may test the role, never other data)."""
    if kind not in STATIC_KINDS or user is None or not user.is_authenticated:
        return None
    return (
        kind,
        len(_SLOTS[kind]),
        user.role,
        user.is_superuser,
        user.is_staff,
        user.is_active,
        get_language(),
        get_script_prefix(),
        get_urlconf(),
    )


def slots_for(kind: str, user) -> list[Slot]:
    """The `kind` slots `user` sees, in order."""
    return [
        slot
        for slot in _SLOTS[kind]
        if has_role(user, slot.roles) and (not slot.exact or user.role in slot.roles)
    ]
