"""Routes of the TAXII 2.1 server, mounted at ``/taxii2/`` (namespace ``taxii``)."""

from __future__ import annotations

from django.urls import path

from onevoice.web.taxii import views

app_name = "taxii"

_COLLECTION = "<str:api_root>/collections/<str:collection_id>/"

urlpatterns = [
    path("", views.discovery, name="discovery"),
    path("<str:api_root>/", views.api_root, name="api_root"),
    path("<str:api_root>/collections/", views.collections, name="collections"),
    path(_COLLECTION, views.collection, name="collection"),
    path(_COLLECTION + "objects/", views.objects, name="objects"),
    path(_COLLECTION + "objects/<str:object_id>/", views.one_object, name="object"),
    path(
        _COLLECTION + "objects/<str:object_id>/versions/",
        views.object_versions,
        name="versions",
    ),
    path(_COLLECTION + "manifest/", views.manifest, name="manifest"),
]
