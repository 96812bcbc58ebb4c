from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("dossiers/", views.case_list, name="list"),
    path("dossiers/<int:pk>/", views.case_detail, name="detail"),
    path("dossiers/filters/", views.saved_filter_new, name="saved_filter_new"),
    path("dossiers/filters/<int:pk>/weg/", views.saved_filter_delete, name="saved_filter_delete"),
    path("dossiers/<int:pk>/status/", views.case_transition, name="transition"),
    path("dossiers/<int:pk>/terugkoppeling/", views.case_feedback, name="feedback"),
    path("dossiers/<int:pk>/notitie/", views.case_note, name="note"),
    path("dossiers/<int:pk>/categorieen/", views.case_categories, name="categories"),
    path("dossiers/<int:pk>/toestemming/", views.consent_new, name="consent_new"),
    path("dossiers/<int:pk>/toestemming/<int:consent_pk>/delen/", views.consent_share,
         name="consent_share"),
    path("dossiers/<int:pk>/toestemming/<int:consent_pk>/intrekken/", views.consent_withdraw,
         name="consent_withdraw"),
    path("dossiers/<int:pk>/export/", views.dossier_export, name="dossier_export"),
    path("dossiers/<int:pk>/acuut-gevaar/", views.acute_danger, name="acute_danger"),
    path("dossiers/<int:pk>/nazorg/", views.aftercare_moment, name="aftercare"),
    path("dossiers/<int:pk>/nazorg/<int:moment_pk>/gedaan/", views.aftercare_done,
         name="aftercare_done"),
    path("dossiers/<int:pk>/betrokkene/", views.accused, name="accused"),
    path("dossiers/<int:pk>/les/", views.lesson_new, name="lesson_new"),
    path("dossiers/<int:pk>/patroon/", views.person_mark, name="person_mark"),
    path("dossiers/<int:pk>/aandacht/", views.attention_clear, name="attention_clear"),
    path("dossiers/adviesgesprekken/", views.advice_contacts, name="advice"),
    path("dossiers/lessen/", views.lessons, name="lessons"),
    path("dossiers/lessen/<int:pk>/actie/", views.lesson_action_new, name="lesson_action_new"),
    path("dossiers/acties/<int:pk>/status/", views.lesson_action_status,
         name="lesson_action_status"),
    path("dossiers/signalen/", views.signals, name="signals"),
    path("dossiers/standaardteksten/", views.standard_texts, name="standard_texts"),
    path("dossiers/standaardteksten/<int:pk>/weg/", views.standard_text_delete,
         name="standard_text_delete"),
    path("dossiers/instellingen/", views.case_settings, name="settings"),
    path("dossiers/jaarverslag/", views.yearly_report, name="yearly_report"),
    path("dossiers/jaarverslag/toelichting/", views.yearly_narrative, name="yearly_narrative"),
    path("dossiers/jaarverslag.pdf", views.yearly_report_pdf, name="yearly_report_pdf"),
    path("dossiers/jaarverslag.csv", views.yearly_report_csv, name="yearly_report_csv"),
]
