"""Detail addresses of list rows without reversing each one.

`reverse()` costs ~15 µs (a resolver look-up, argument checks, quoting); a list page of 50
people paid it 50 times for addresses that differ only in the primary key. `reverse_pk`
reverses a name once per URLconf and script prefix with a stand-in key, then puts each row's
key in its place: the same address, byte for byte (pinned by tests/core/test_urls.py).
"""

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

_STAND_IN = 987654321987654321  # matches <int:pk>; appears in no address of the portal


@functools.lru_cache(maxsize=512)
def _halves(viewname: str, urlconf, prefix: str) -> tuple[str, str]:
    url = reverse(viewname, args=[_STAND_IN], urlconf=urlconf)
    head, found, tail = url.partition(str(_STAND_IN))
    if not found or str(_STAND_IN) in tail:
        raise ValueError(f"{viewname} does not take one primary key")
    return head, tail


def reverse_pk(viewname: str, pk: int) -> str:
    """`reverse(viewname, args=[pk])` for a view whose only argument is an integer key."""
    head, tail = _halves(viewname, get_urlconf(), get_script_prefix())
    return f"{head}{int(pk)}{tail}"


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _halves.cache_clear()
