from django.urls import path

from . import audit_views, views

app_name = "organisations"

urlpatterns = [
    path("", views.home, name="home"),
    path("hulp/", views.public_home, name="public_home"),
    path("sso/", views.sso_login, name="sso_login"),
    path("theme.css", views.theme_css, name="theme_css"),
    path("beheer/afdelingen-en-teams/", views.unit_list, name="unit_list"),
    path("beheer/afdelingen-en-teams/nieuw/", views.unit_edit, name="unit_create"),
    path("beheer/afdelingen-en-teams/<int:pk>/", views.unit_edit, name="unit_edit"),
    path("beheer/afdelingen-en-teams/<int:pk>/verwijderen/", views.unit_delete, name="unit_delete"),
    path("beheer/mensen/", views.person_list, name="person_list"),
    path("beheer/mensen/<int:pk>/", views.person_edit, name="person_edit"),
    path("beheer/uitnodigingen/", views.invitation_list, name="invitation_list"),
    path("beheer/uitnodigingen/<int:pk>/opnieuw/", views.invitation_send_again,
         name="invitation_send_again"),
    path("uitnodiging/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("beheer/huisstijl/", views.branding, name="branding"),
    path("beheer/bureaus/", views.agencies, name="agencies"),
    path("beheer/importeren/", views.import_upload, name="import"),
    path("beheer/importeren/voorbeeld.csv", views.import_example, name="import_example"),
    path("beheer/importeren/<int:pk>/", views.import_status, name="import_status"),
    # Audit log checkpoints kept outside Vangnet (ADR 0054).
    path("beheer/auditlog/", audit_views.audit_anchor, name="audit_anchor"),
    path("beheer/auditlog/controlepunt.json", audit_views.audit_checkpoint_download,
         name="audit_checkpoint"),
]
