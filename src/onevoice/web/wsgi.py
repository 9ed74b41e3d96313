"""The WSGI application (``onevoice serve`` hands it to waitress)."""

from __future__ import annotations

import os
from typing import Any

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onevoice.web.settings")

application: Any = get_wsgi_application()
