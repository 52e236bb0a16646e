"""REST API v1: each app registers its resources on one router."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

import beneficiaries.api
import governance.api
import partners.api
import referrals.api

router = DefaultRouter()
for module in (partners.api, beneficiaries.api, referrals.api, governance.api):
    module.register(router)

urlpatterns = [
    path("auth/token/", partners.api.ObtainTokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
