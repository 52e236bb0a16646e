from django.urls import path

from . import drafting_views, views

app_name = "bilan"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("demander/", views.report_request, name="request"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/etat/", views.report_status, name="status"),
    path("<int:pk>/valider/", views.report_validate, name="validate"),
    path("<int:pk>/telecharger/", views.report_download, name="download"),
    path("redaction/<int:pk>/<int:year>/", drafting_views.draft_overview, name="draft"),
    path(
        "redaction/action/<int:pk>/<int:year>/",
        drafting_views.contribution,
        name="contribution",
    ),
]
