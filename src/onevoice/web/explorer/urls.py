"""Routes of the network explorer (mounted at ``/networks/``).

``explorer:list`` (``/networks/``, ``?run=&kind=&sort=``) and ``explorer:detail``
(``/networks/<run_id>/<network_id>/``).
"""

from __future__ import annotations

from django.urls import URLPattern, path

from onevoice.web.explorer import views

app_name = "explorer"

urlpatterns: list[URLPattern] = [
    path("", views.network_list, name="list"),
    path("<str:run_id>/<int:network_id>/", views.network_detail, name="detail"),
]
