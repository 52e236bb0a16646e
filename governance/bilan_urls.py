from django.urls import path

from . import bilan_views

app_name = "bilan"

urlpatterns = [
    path("", bilan_views.report_list, name="list"),
    path("demander/", bilan_views.report_request, name="request"),
    path("<int:pk>/", bilan_views.report_detail, name="detail"),
    path("<int:pk>/etat/", bilan_views.report_status, name="status"),
    path("<int:pk>/valider/", bilan_views.report_validate, name="validate"),
    path("<int:pk>/telecharger/", bilan_views.report_download, name="download"),
]
