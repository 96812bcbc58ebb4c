from __future__ import annotations

from django.urls import path

from . import views

app_name = "quickscan"

urlpatterns = [
    path("quickscan/", views.index, name="index"),
    path("quickscan/rondes/nieuw/", views.round_create, name="round_create"),
    path("quickscan/alleen/", views.solo_start, name="solo_start"),
    path("quickscan/groepen/", views.groups, name="groups"),
    path("quickscan/rondes/<int:pk>/", views.round_detail, name="round_detail"),
    path("quickscan/rondes/<int:pk>/groepen/<int:group_pk>/uitnodigen/", views.invite,
         name="invite"),
    path("quickscan/rondes/<int:pk>/herinneren/", views.reminders, name="reminders"),
    path("quickscan/rondes/<int:pk>/risico-gedeelde-links/", views.shared_risk_accept,
         name="shared_risk_accept"),
    path("quickscan/rondes/<int:pk>/groepen/<int:group_pk>/gedeelde-link/",
         views.shared_link_create, name="shared_link_create"),
    path("quickscan/rondes/<int:pk>/sluiten/", views.round_close, name="round_close"),
    path("quickscan/rondes/<int:pk>/rapport/", views.report_page, name="report"),
    path("quickscan/rondes/<int:pk>/rapport.pdf", views.report_pdf, name="report_pdf"),
    path("quickscan/rondes/<int:pk>/rapport.csv", views.report_csv, name="report_csv"),
    path("quickscan/rondes/<int:pk>/uitspraken/<str:code>/actie/", views.action_from_priority,
         name="action_from_priority"),
    path("quickscan/acties/", views.action_list, name="action_list"),
    path("quickscan/acties/<int:pk>/", views.action_edit, name="action_edit"),
    # Respondents: no login; the link is the key.
    path("quickscan/invullen/<str:token>/", views.respond_start, name="respond_start"),
    path("quickscan/invullen/<str:token>/stap/<int:step>/", views.respond_step,
         name="respond_step"),
    path("quickscan/invullen/<str:token>/versturen/", views.respond_review,
         name="respond_review"),
    path("quickscan/groep/<str:token>/", views.shared_start, name="shared_start"),
    path("quickscan/groep/<str:token>/stap/<int:step>/", views.shared_step, name="shared_step"),
    path("quickscan/groep/<str:token>/versturen/", views.shared_review, name="shared_review"),
]
