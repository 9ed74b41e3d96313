"""The OneVoice web application (Django 5.2 LTS).

Layout: :mod:`~onevoice.web.config` turns environment variables into settings (a pure
function, so it is testable), :mod:`~onevoice.web.settings` applies them, ``accounts`` holds
the roles of DESIGN.md §6 and the throttled login, ``audit`` the append-only audit log,
:mod:`~onevoice.web.dashboard` reads the analytic store read-only, and :mod:`~onevoice.web.api`
is the JSON twin of every page (django-ninja, OpenAPI at ``/api/openapi.json``).

Start it with ``onevoice serve``; :func:`~onevoice.web.bootstrap.setup` configures Django for
the CLI commands that need it.
"""
