from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("a-reorienter/", views.to_reorient, name="to_reorient"),
]
