from django.urls import path

from . import views

app_name = "conduct"

urlpatterns = [
    path("gedragscode/", views.code, name="code"),
    path("gedragscode/gelezen/", views.acknowledge, name="acknowledge"),
    path("gedragscode/gedragscode.pdf", views.code_pdf, name="code_pdf"),
    path("gedragscode/openbaar/", views.public_code, name="public_code"),
    path("gedragscode/document.pdf", views.document, name="document"),
    path("gedragscode/openbaar/document.pdf", views.public_document, name="public_document"),
    path("gedragscode/versies/<int:pk>/document.pdf", views.version_document,
         name="version_document"),
    path("gedragscode/beheer/", views.manage, name="manage"),
    path("gedragscode/beheer/instellingen/", views.settings_save, name="settings"),
    path("gedragscode/versies/nieuw/", views.version_new, name="version_new"),
    path("gedragscode/versies/model/", views.version_from_model, name="version_from_model"),
    path("gedragscode/versies/vergelijken/", views.compare, name="compare"),
    path("gedragscode/versies/<int:pk>/", views.version, name="version"),
    path("gedragscode/versies/<int:pk>/instemming/", views.consent, name="consent"),
    path("gedragscode/versies/<int:pk>/publiceren/", views.publish, name="publish"),
    path("gedragscode/cijfers/", views.figures, name="figures"),
    path("teamafspraken/", views.teams, name="teams"),
    path("teamafspraken/<int:pk>/", views.team, name="team"),
    path("teamafspraken/<int:pk>/toevoegen/", views.agreements_add, name="agreements_add"),
    path("teamafspraken/<int:pk>/besproken/", views.discussion_add, name="discussion_add"),
    path("teamafspraken/afspraak/<int:pk>/weg/", views.agreement_retire, name="agreement_retire"),
    path("teamafspraken/sessie/<int:session_pk>/", views.session_agreements,
         name="session_agreements"),
    path("welkom/", views.welcome, name="welcome"),
    path("welkom/stap/<slug:step>/", views.welcome_step, name="welcome_step"),
    path("welkom/nieuwe-collegas/", views.welcome_follow, name="welcome_follow"),
    path("welkom/nieuwe-collegas/<int:pk>/", views.welcome_path, name="welcome_path"),
    path("welkom/nieuwe-collegas/<int:pk>/week/<int:week>/", views.checkin_done,
         name="checkin_done"),
    path("gedragscode/jaarlijkse-review/<int:pk>/", views.review, name="review"),
]
