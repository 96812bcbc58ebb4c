from __future__ import annotations

from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from vangnet.accounts import views as accounts_views
from vangnet.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("privacy/", core_views.privacy, name="privacy"),
    path("toegankelijkheid/", core_views.accessibility, name="accessibility"),
    path("health/", core_views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/sso/", accounts_views.sso_start, name="sso_start"),
    path("accounts/", include("allauth.urls")),
    path("platform-admin/", admin.site.urls),
    path("o/<slug:org_slug>/", include("vangnet.organisations.urls")),
]

# Domain apps mount their pages below the organisation and, if they have one, an API router.
for app_label in ("toolbox", "quickscan", "reporting", "cases", "conduct"):
    if apps.is_installed(f"vangnet.{app_label}") and find_spec(f"vangnet.{app_label}.urls"):
        urlpatterns.append(path("o/<slug:org_slug>/", include(f"vangnet.{app_label}.urls")))

urlpatterns.append(path("api/v1/", include("vangnet.api.urls")))

if settings.DEBUG or settings.VANGNET_DEMO:
    # Uploaded logos in the demo; production serves MEDIA_ROOT from the web server.
    urlpatterns.append(
        path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})
    )
