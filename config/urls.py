from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file (no inline script: CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("beneficiaires/", include("beneficiaries.urls")),
    path("orientations/", include("referrals.urls")),
    path("gouvernance/", include("governance.urls")),
    path("echanges/", include("exchange.urls")),
    path("", include("web.urls")),
    path("", include("partners.urls")),
]

handler500 = "config.errors.server_error"
# Nothing under MEDIA_ROOT is served directly, not even in the demo: each stored file has a view
# that checks its record's scope (``core.uploads``).
