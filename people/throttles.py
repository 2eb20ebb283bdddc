"""ID-number searches are counted per user, page and API together: 30 a minute.

An exact search answers "is this the number?", so even a role that may search is slowed
down to a rate a person at a desk needs. The counts live in Django's cache (Redis in
production), so every process and machine counts together.
"""

from django.utils.translation import gettext as _
from rest_framework.throttling import SimpleRateThrottle

from core.clientip import ClientIpThrottleMixin

from .filters import is_id_number_query


class IdNumberSearchThrottle(ClientIpThrottleMixin, SimpleRateThrottle):
    scope = "id_number_search"
    rate = "30/min"

    def get_cache_key(self, request, view):
        if not is_id_number_query(request.GET.get("q", "")):
            return None  # only ID searches count
        ident = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def throttled_message(wait) -> str:
    return _("身份证号码查询过于频繁，请 %(seconds)s 秒后再试") % {"seconds": int(wait or 60)}
