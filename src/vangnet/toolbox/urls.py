from django.urls import path

from . import views

app_name = "toolbox"

urlpatterns = [
    path("toolbox/", views.index, name="index"),
    path("toolbox/werkvormen/", views.werkvorm_list, name="werkvorm_list"),
    path("toolbox/werkvormen/nieuw/", views.werkvorm_edit, name="werkvorm_create"),
    path("toolbox/werkvormen/kaarten.pdf", views.deck_pdf, name="deck_pdf"),
    path("toolbox/werkvormen/<slug:slug>/", views.werkvorm_detail, name="werkvorm_detail"),
    path("toolbox/werkvormen/<slug:slug>/bewerken/", views.werkvorm_edit, name="werkvorm_edit"),
    path("toolbox/werkvormen/<slug:slug>/verbergen/", views.werkvorm_hide, name="werkvorm_hide"),
    path("toolbox/werkvormen/<slug:slug>/kaart.pdf", views.werkvorm_pdf, name="werkvorm_pdf"),
    path("toolbox/dilemmas/", views.dilemma_list, name="dilemma_list"),
    path("toolbox/dilemmas/<slug:slug>/", views.dilemma_detail, name="dilemma_detail"),
    path("toolbox/begrippen/", views.glossary, name="glossary"),
    path("toolbox/vragen/", views.faq, name="faq"),
    path("toolbox/sessies/", views.session_list, name="session_list"),
    path("toolbox/sessies/nieuw/", views.session_builder, name="session_builder"),
    path("toolbox/sessies/<int:pk>/", views.session_detail, name="session_detail"),
    path("toolbox/sessies/<int:pk>/agenda.pdf", views.session_pdf, name="session_pdf"),
    path("toolbox/sessies/<int:pk>/onderdeel/<int:position>/verplaatsen/", views.session_item_move,
         name="session_item_move"),
    path("toolbox/sessies/<int:pk>/verwijderen/", views.session_delete, name="session_delete"),
    path("toolbox/teamroutines/", views.routine_list, name="routine_list"),
    path("toolbox/teamroutines/nieuw/", views.routine_create, name="routine_create"),
    path("toolbox/teamroutines/<int:pk>/", views.routine_detail, name="routine_detail"),
    path("toolbox/teamroutines/<int:pk>/aan-uit/", views.routine_toggle, name="routine_toggle"),
    path("toolbox/teamroutines/agenda/<int:unit_pk>/", views.feed_create, name="feed_create"),
    path("toolbox/teamroutines/agenda/<int:unit_pk>/intrekken/", views.feed_revoke,
         name="feed_revoke"),
    path("toolbox/agenda/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("toolbox/publiek/begrippen/", views.public_glossary, name="public_glossary"),
    path("toolbox/publiek/vragen/", views.public_faq, name="public_faq"),
]
