"""Settings by environment: base (shared), local (`make run`), test (`make test`), production.

DJANGO_SETTINGS_MODULE names one of them; manage.py and Celery default to `local`, the WSGI
and ASGI entry points to `production`.
"""
