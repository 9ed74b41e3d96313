"""Routes of uploads and jobs (mounted at ``/jobs/``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from onevoice.web.jobs import views

app_name = "jobs"

urlpatterns: list[URLPattern] = [
    path("", views.job_list, name="list"),
    path("upload/", views.upload, name="upload"),
    path("detect/", views.detect, name="detect"),
    path("match/", views.match, name="match"),
    path("<int:pk>/", views.job_detail, name="detail"),
]
