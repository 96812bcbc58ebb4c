from __future__ import annotations

from django.urls import path

from . import views

app_name = "pulse"

urlpatterns = [
    path("pulse/", views.index, name="index"),
    path("pulse/plannen/nieuw/", views.plan_create, name="plan_create"),
    path("pulse/golven/<int:pk>/", views.wave_detail, name="wave_detail"),
    path("pulse/golven/<int:pk>/resultaten.pdf", views.wave_pdf, name="wave_pdf"),
    path("pulse/golven/<int:pk>/resultaten.csv", views.wave_csv, name="wave_csv"),
    path("pulse/instellingen/", views.settings_edit, name="settings"),
    path("pulse/golven/<int:pk>/sluiten/", views.wave_close, name="wave_close"),
    path("pulse/golven/<int:pk>/afspraken/", views.action_record, name="action_record"),
    path("pulse/teams/<int:unit_id>/verloop/", views.unit_trend, name="unit_trend"),
    path("pulse/invullen/<str:token>/", views.respond, name="respond"),
]
