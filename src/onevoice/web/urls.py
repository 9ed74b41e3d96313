"""URL routes: pages, login/logout, the API, static files, and the public G20 hub.

The hub (Wagtail) is served per language at ``/<lang>/hub/`` (``/hub/`` redirects to the
reader's language); its editors work in the Wagtail admin at ``/cms/``. ``/`` stays the staff
entry point (dashboard or login).
"""

from __future__ import annotations

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.urls import include, path, re_path
from django.views.static import serve as media_serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

from onevoice.hub import feed_views as hub_feed_views
from onevoice.hub import views as hub_views
from onevoice.hub.sitemap import HubSitemap
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
    path("cms/", include(wagtailadmin_urls)),
    path("hub-theme/", include("onevoice.hub.urls")),
    re_path(
        r"^hub-feeds/(?P<page_id>\d+)\.(?P<fmt>atom|rss)$", hub_feed_views.feed, name="hub-feed"
    ),
    path("sitemap.xml", sitemap_view, {"sitemaps": {"hub": HubSitemap}}, name="sitemap"),
    # Document files only when a live TLP:CLEAR page offers them (or to editors); the
    # route keeps Wagtail's URL name so its admin links still work.
    re_path(r"^hub-documents/(\d+)/(.*)$", hub_views.document, name="wagtaildocs_serve"),
    # Image renditions only (logos); originals and document files are never served raw.
    path(
        "media/images/<path:path>",
        media_serve,
        {"document_root": settings.MEDIA_ROOT / "images"},
    ),
    *i18n_patterns(
        path("hub/search/", hub_views.search, name="hub-search"),
        path("hub/", include(wagtail_urls)),
        prefix_default_language=True,
    ),
]

handler403 = views.forbidden
handler404 = views.not_found
