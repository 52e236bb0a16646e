"""REST API v1: each app registers its resources on one router."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

import beneficiaries.api
import beneficiaries.api_interviews
import exchange.api
import governance.api
import partners.api
import partners.api_directory
import referrals.api
import referrals.api_followups


# No format suffixes (``/referrals/1/accept.json``): JSON is the one format, and suffixes on action
# routes answered 500.
class Router(DefaultRouter):
    include_format_suffixes = False


router = Router()
for module in (
    partners.api,
    partners.api_directory,
    beneficiaries.api,
    beneficiaries.api_interviews,
    referrals.api,
    referrals.api_followups,
    governance.api,
    exchange.api,
):
    module.register(router)

urlpatterns = [
    path("auth/token/", partners.api.ObtainTokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
