"""ID-number searches are counted per user, page and API together: 30 a minute.

An exact search answers "is this the number?", so even a role that may search is slowed
down to a rate a person at a desk needs. The counts live in Django's cache (Redis in
production), so every process and machine counts together.

Every other door that finds a person by ID number answers the same question for numbers
outside the caller's scope ("registered in another township": numbers are unique, so the row
must fail and say why). `charge_id_lookups` counts those matches against the same budget:
an upload (roster, nominees) or form that would go past it, or comes while it is spent, is
refused as a whole with the same message whatever it carries; the matches are logged
without the numbers.
"""

import logging

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from rest_framework.throttling import SimpleRateThrottle

from core import policy
from core.clientip import ClientIpThrottleMixin

from .filters import is_id_number_query


class IdNumberSearchThrottle(ClientIpThrottleMixin, SimpleRateThrottle):
    scope = "id_number_search"
    rate = "30/min"

    def get_cache_key(self, request, view):
        # The list's GET (old links, the API) and the pages' posted search box and pickers
        # (a plain Django request: an API write's body is left to the view to parse).
        query = request.GET.get("q", "")
        if not query and isinstance(request, HttpRequest) and request.method == "POST":
            query = request.POST.get("q", "")
        elif not query and getattr(view, "action", None) == "search":  # POST /people/search/
            query = str(request.data.get("q", "") or "")
        if not is_id_number_query(query):
            return None  # only ID searches count
        ident = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def throttled_message(wait) -> str:
    return _("身份证号码查询过于频繁，请 %(seconds)s 秒后再试") % {"seconds": int(wait or 60)}


logger = logging.getLogger("people.search")


class IdLookupLimit(ValidationError):
    """An upload or form refused as a whole: the actor's ID-number lookups are spent."""

    def __init__(self, wait):
        super().__init__({"id_number": [lookup_limit_message(wait)]})


def lookup_limit_message(wait) -> str:
    return _(
        "身份证号码查询过于频繁（每分钟至多 30 次，上传或填写的号码与本范围以外的人员"
        "相符也计入），本次未保存任何数据，请 %(seconds)s 秒后再试"
    ) % {"seconds": max(1, int(wait or 60))}


def charge_id_lookups(actor, found: int, *, door: str) -> None:
    """Count `found` people outside `actor`'s scope, just matched by ID number at `door`
    ("roster", "nominees", "person"…), as that many ID searches.

    Raises IdLookupLimit, charging what was left, when they do not fit in this minute's
    budget; and, whatever `found` is, when the budget is already spent, so that a refusal
    says nothing about the numbers of this upload. Call it with `found=0` before a single
    look-up whose answer would differ for an out-of-scope number (creating a person).
    """
    if policy.is_system(actor) or policy.is_admin(actor):
        return  # nobody is outside their scope
    throttle = IdNumberSearchThrottle()
    key = throttle.cache_format % {"scope": throttle.scope, "ident": getattr(actor, "pk", None)}
    now = throttle.timer()
    history = [stamp for stamp in throttle.cache.get(key, []) if stamp > now - throttle.duration]
    room = throttle.num_requests - len(history)
    refused = room <= 0 or found > room
    if found or refused:
        charged = min(found, room) if refused else found
        history = [now] * max(charged, 0) + history
        throttle.cache.set(key, history, throttle.duration)
        _log_lookups(actor, found, door, refused)
    if refused:
        wait = history[-1] + throttle.duration - now if history else throttle.duration
        raise IdLookupLimit(wait)


def _log_lookups(actor, found: int, door: str, refused: bool) -> None:
    """Who matched how many numbers outside their scope, by which door; never the numbers."""
    logger.info(
        "ID numbers outside the scope matched by %s (%s) at %s: %s match(es)%s",
        getattr(actor, "username", ""),
        getattr(actor, "role", ""),
        door,
        found,
        ", refused: lookups spent" if refused else "",
        extra={
            "user_id": getattr(actor, "pk", None),
            "matches": found,
            "door": door,
            "refused": refused,
        },
    )
