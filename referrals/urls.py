from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("groupee/", views.bulk, name="bulk"),
    path("export.<str:fmt>", views.export, name="export"),
    path("preferences/", views.preferences, name="preferences"),
    path("nouvelle/<int:beneficiary_id>/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/suivi/", views.add_follow_up, name="follow_up"),
    path("<int:pk>/<str:action>/", views.act, name="act"),
]
