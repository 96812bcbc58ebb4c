from django.urls import path

from . import views, views_recipient, views_route

app_name = "reporting"

urlpatterns = [
    # Public, no login: the route, the route guide, reporting and returning with a receipt code.
    path("melden/", views.route_page, name="route"),
    path("melden/poster.pdf", views.poster_pdf, name="poster"),
    path("melden/qr.svg", views.qr_svg, name="qr"),
    path("melden/wegwijzer/", views.guide, name="guide"),
    path("melden/nieuw/", views.report_new, name="report_new"),
    path("melden/ontvangen/", views.receipt, name="receipt"),
    path("melden/terug/", views.reporter_return, name="return"),
    path("melden/mijn-melding/", views.reporter_report, name="reporter_report"),
    path("melden/mijn-melding/bijlage/<int:pk>/", views.reporter_attachment, name="reporter_attachment"),
    path("melden/mijn-melding/sluiten/", views.reporter_close, name="reporter_close"),
    # Logged in: recipients, advisors' profiles, the coordinator's settings.
    path("meldingen/", views_recipient.inbox, name="inbox"),
    path("meldingen/ontgrendelen/", views_recipient.unlock, name="unlock"),
    path("meldingen/herstellen/", views_recipient.recover, name="recover"),
    path("meldingen/mondeling/", views_recipient.oral_new, name="oral_new"),
    path("meldingen/mondeling/ontvangen/", views_recipient.oral_receipt, name="oral_receipt"),
    path("meldingen/profiel/", views_recipient.profile_edit, name="profile"),
    path("meldingen/route/", views_route.route_edit, name="route_edit"),
    path("meldingen/route/afdeling-of-team/<int:unit_pk>/eigen-route-weg/", views_route.route_remove_unit,
         name="route_remove_unit"),
    path("meldingen/herstelsleutel/", views_recipient.recovery_key, name="recovery_key"),
    path("meldingen/herstelverzoeken/", views_recipient.recovery_requests,
         name="recovery_requests"),
    path("meldingen/herstelverzoeken/<int:pk>/", views_recipient.recovery_request,
         name="recovery_request"),
    path("meldingen/ontvangers/", views_recipient.recipients_overview, name="recipients"),
    path("meldingen/ontvangers/<int:membership_pk>/verwijderen/",
         views_recipient.recipient_remove_everywhere, name="recipient_remove_everywhere"),
    path("meldingen/<int:pk>/", views_recipient.report_detail, name="detail"),
    path("meldingen/<int:pk>/ontvangers/<int:membership_pk>/verwijderen/",
         views_recipient.recipient_remove, name="recipient_remove"),
    path("meldingen/<int:pk>/bijlage/<int:attachment_pk>/", views_recipient.attachment,
         name="attachment"),
]
