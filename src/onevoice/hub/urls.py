"""The hub's own routes beside Wagtail's page serving (namespace ``hub``)."""

from __future__ import annotations

from django.urls import path

from onevoice.hub import views

app_name = "hub"
urlpatterns = [path("<int:page_id>.css", views.theme_css, name="theme")]
