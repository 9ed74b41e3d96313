"""URL routes: pages, login/logout, the API, and static files."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from onevoice.web import views
from onevoice.web.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("networks/", include("onevoice.web.explorer.urls")),
    path("cases/", include("onevoice.web.cases.urls")),
    path("jobs/", include("onevoice.web.jobs.urls")),
    path("api/", api.urls),
    path("taxii2/", include("onevoice.web.taxii.urls")),
    path("static/<path:path>", views.static, name="static"),
]

handler403 = views.forbidden
handler404 = views.not_found
