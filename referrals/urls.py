from django.urls import path

from . import caseload_views, thread_views, views

app_name = "referrals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("accompagnements/", caseload_views.caseload_page, name="caseload"),
    path("groupee/", views.bulk, name="bulk"),
    path("export.<str:fmt>", views.export, name="export"),
    path("preferences/", views.preferences, name="preferences"),
    path("nouvelle/<int:beneficiary_id>/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/suivi/", views.add_follow_up, name="follow_up"),
    path("<int:pk>/attribuer/", caseload_views.assign, name="assign"),
    path("<int:pk>/messages/", thread_views.post_message, name="message"),
    path("<int:pk>/documents/<int:document_pk>/", thread_views.download, name="document_download"),
    path("<int:pk>/<str:action>/", views.act, name="act"),
]
