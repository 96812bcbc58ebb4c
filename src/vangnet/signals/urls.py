from django.urls import path

from . import views

app_name = "signals"

urlpatterns = [
    path("signalen/", views.dashboard, name="dashboard"),
    path("signalen/signaal/", views.alert, name="alert"),
    path("signalen/hr-cijfers/", views.hr_import, name="hr_import"),
    path("signalen/hr-cijfers/voorbeeld.csv", views.hr_import_example, name="hr_import_example"),
    path("signalen/hr-cijfers/<int:pk>/", views.hr_import_status, name="hr_import_status"),
    path("signalen/rapport/", views.report, name="report"),
    path("signalen/rapport.pdf", views.report_pdf, name="report_pdf"),
    path("signalen/rapport.csv", views.report_csv, name="report_csv"),
]
