from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from vangnet.accounts.public import sso_start
from vangnet.cases.public import desk_view
from vangnet.core import views as core_views
from vangnet.core.app import vangnet_apps
from vangnet.organisations.public import start_page

urlpatterns = [
    path("", start_page, name="home"),
    # The external advisor's overview across the organisations they serve (issue 13).
    path("mijn-klanten/", desk_view, name="desk"),
    path("privacy/", core_views.privacy, name="privacy"),
    path("toegankelijkheid/", core_views.accessibility, name="accessibility"),
    path("health/", core_views.health, name="health"),
    path("weg/", core_views.quick_exit, name="quick_exit"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/sso/", sso_start, name="sso_start"),
    path("accounts/", include("allauth.urls")),
    path("platform-admin/", admin.site.urls),
    # Every app's pages below its organisation, as its AppConfig declares (core/app.py).
    *(path("o/<slug:org_slug>/", include(f"{config.name}.{config.urls}"))
      for config in vangnet_apps() if config.urls),
]

urlpatterns.append(path("api/v1/", include("vangnet.api.urls")))

if settings.DEBUG or settings.VANGNET_DEMO:
    # Uploaded logos in the demo; production serves MEDIA_ROOT from the web server.
    urlpatterns.append(
        path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})
    )
