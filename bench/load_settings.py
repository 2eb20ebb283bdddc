"""Production settings with the variations `bench/load.py --try-*` measures (never deployed).

LOAD_SESSION_ENGINE: another session backend (e.g. django.contrib.sessions.backends.cached_db);
LOAD_SESSION_SAVE_EVERY_REQUEST=false: the session written only when it changes.
"""

import os

try:
    from config.settings.production import *  # noqa: F403
except ImportError:  # an older checkout (`--code`)
    from config.production import *  # noqa: F403

if os.environ.get("LOAD_SESSION_ENGINE"):
    SESSION_ENGINE = os.environ["LOAD_SESSION_ENGINE"]
if os.environ.get("LOAD_SESSION_SAVE_EVERY_REQUEST") == "false":
    SESSION_SAVE_EVERY_REQUEST = False
