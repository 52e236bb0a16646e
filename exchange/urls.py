from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("webhooks/", views.endpoints, name="webhooks"),
    path("webhooks/<int:pk>/", views.webhook_change, name="webhook_change"),
]
