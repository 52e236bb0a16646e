from django.urls import path

from . import path_views, views

app_name = "beneficiaries"

urlpatterns = [
    path("", views.beneficiary_list, name="list"),
    path("export/<str:fmt>/", views.beneficiary_export, name="export"),
    path("nouveau/", views.beneficiary_create, name="create"),
    path("fin-de-cir/", path_views.end_of_cir, name="end_of_cir"),
    path("formations/", path_views.training_sessions, name="trainings"),
    path("import/", views.import_start, name="import"),
    path("import/modele.csv", views.import_sample, name="import_sample"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/", views.beneficiary_detail, name="detail"),
    path("<int:pk>/modifier/", views.beneficiary_edit, name="edit"),
    path("<int:pk>/entretiens/nouveau/", views.interview_create, name="interview_create"),
    path(
        "<int:pk>/qualifications/nouvelle/", views.qualification_create, name="qualification_create"
    ),
    path("<int:pk>/bilan-competences/", path_views.skills_edit, name="skills"),
    path("<int:pk>/fiche-liaison/", path_views.liaison_sheet, name="liaison_sheet"),
    path("<int:pk>/donnees/", views.beneficiary_rights, name="rights"),
    path("<int:pk>/donnees.json", views.beneficiary_rights, {"fmt": "json"}, name="rights_json"),
]
