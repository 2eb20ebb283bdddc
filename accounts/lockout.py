"""What a locked-out login sees (django-axes AXES_LOCKOUT_CALLABLE): a clear Chinese message.

The login page is shown again with the message (HTTP 429); the API answers the problem body
every endpoint answers (core.api.problem_response, code `locked_out`).
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.api import problem_response


def lockout_message() -> str:
    minutes = settings.AXES_COOLOFF_MINUTES
    return _("登录失败次数过多，账户已暂时锁定，请 %(minutes)s 分钟后再试。") % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    message = lockout_message()
    if request.path.startswith("/api/"):
        return problem_response(429, "locked_out", message)
    from django.contrib.auth.forms import AuthenticationForm

    form = AuthenticationForm(request)
    return render(
        request,
        "registration/login.html",
        {"form": form, "lockout_message": message},
        status=429,
    )
