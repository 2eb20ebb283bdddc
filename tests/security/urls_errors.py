"""The project's URLs plus views that fail on purpose, to look at error pages and logs."""

from django.core.exceptions import SuspiciousOperation
from django.urls import path

from config.urls import urlpatterns as project_urls

LEAKY_NUMBER = "14102819800615126X"  # valid: the log mask hides what validates


def boom(request):
    raise RuntimeError(f"something failed while handling {LEAKY_NUMBER}")


def suspicious(request):
    raise SuspiciousOperation(f"bad input {LEAKY_NUMBER}")


urlpatterns = [
    path("boom/", boom),
    path("suspicious/", suspicious),
    *project_urls,
]
