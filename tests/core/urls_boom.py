"""The portal's URLs and one page that fails, for the 500 page's tests."""

from django.urls import path

from config.urls import *  # noqa: F403 (the portal's patterns and handler500)
from config.urls import urlpatterns as portal


def boom(request):
    raise RuntimeError("a bug, on purpose")


urlpatterns = [*portal, path("boom/", boom)]
