"""Routes of the case pages (mounted at ``/cases/``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from onevoice.web.cases import actions, public_report, views

app_name = "cases"

urlpatterns: list[URLPattern] = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("from-network/", views.open_from_network, name="open_from_network"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/history/", views.case_history, name="history"),
    path("<int:pk>/report/", views.case_report, name="report"),
    path("<int:pk>/export/<slug:fmt>/", views.case_export_file, name="export"),
    path("<int:pk>/public-report/", public_report.draft_public_report, name="draft_public_report"),
    path("<int:pk>/edit/", actions.case_edit, name="edit"),
    path("<int:pk>/transition/", actions.case_transition, name="transition"),
    path("<int:pk>/accounts/", actions.account_mark, name="mark_account"),
    path("<int:pk>/techniques/", actions.technique_tag, name="tag_technique"),
    path(
        "<int:pk>/techniques/<int:tag_id>/remove/",
        actions.technique_remove,
        name="remove_technique",
    ),
    path("<int:pk>/judgements/", actions.judgement_add, name="add_judgement"),
    path(
        "<int:pk>/judgements/<int:judgement_id>/remove/",
        actions.judgement_remove,
        name="remove_judgement",
    ),
    path("<int:pk>/evidence/<int:evidence_id>/rate/", actions.evidence_rate, name="rate_evidence"),
    path(
        "<int:pk>/evidence/<int:evidence_id>/detach/",
        actions.evidence_detach,
        name="detach_evidence",
    ),
]
