from django.urls import include, path

app_name = "governance"

urlpatterns = [
    # The annual bilan has its own module of views and URLs.
    path("bilans/", include("governance.bilan_urls")),
]
