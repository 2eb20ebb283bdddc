"""Login, logout and the home page: what waits for the user now (the work list every app
registers, core.ui.register_work), then what their role lets them do."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from core import ui
from core.access import Role


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    user = request.user
    context = {
        "role": user.role,
        "Role": Role,
        "is_admin": user.is_admin,
        "work": ui.work_for(user),
    }
    if user.role == Role.TOWNSHIP_OFFICIAL:
        context["scope_name"] = str(user.township)
    elif user.county_id:
        context["scope_name"] = str(user.county)
    else:
        context["scope_name"] = _("全部")
    return render(request, "accounts/home.html", context)
