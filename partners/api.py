from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from .access import HasCapability
from .filters import OrganisationFilter, ServiceOfferFilter, StrictFilterBackend
from .models import Organisation, ServiceOffer
from .roles import Cap


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class ObtainTokenView(APIView):
    """``POST {"email", "password"}`` → ``{"token"}``. Failed attempts count towards the same
    per-account lockout as the login page (django-axes)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The Django request, so that django-axes sees and counts the attempt.
        user = authenticate(
            request._request,
            username=serializer.validated_data["email"],
            password=serializer.validated_data["password"],
        )
        if user is None or not user.is_active:
            return Response(
                {
                    "detail": _(
                        "Adresse électronique ou mot de passe incorrect, ou compte bloqué quelques minutes."
                    )
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class OrganisationSerializer(serializers.ModelSerializer):
    """Exchange format (DESIGN.md): ``id``, ``name``, ``kind``, ``department`` (code),
    ``receives_referrals``; more fields may be added, none renamed."""

    department = serializers.CharField(source="department.code", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "department", "receives_referrals", "address"]
        read_only_fields = fields


class ServiceOfferSerializer(serializers.ModelSerializer):
    organisation_kind = serializers.CharField(source="organisation.kind", read_only=True)
    fit_score = serializers.SerializerMethodField(
        help_text="Profile check only (age, rqth, bpi, french_level): how specifically the "
        "offer targets that person, higher first; null without a profile."
    )

    class Meta:
        model = ServiceOffer
        fields = [
            "id",
            "organisation",
            "organisation_kind",
            "title",
            "description",
            "publics",
            "min_age",
            "max_age",
            "requires_rqth",
            "bpi_only",
            "min_french_level",
            "how_to_register",
            "places",
            "languages",
            "is_active",
            "last_reviewed_on",
            "fit_score",
        ]
        read_only_fields = fields

    def get_fit_score(self, offer) -> int | None:
        return getattr(offer, "fit_score", None)


class DirectoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Read-only, scoped to the person's department, filtered like the pages (400 on an unknown
    or invalid filter)."""

    permission_classes = [IsAuthenticated, HasCapability.of(Cap.DIRECTORY_VIEW)]
    filter_backends = [StrictFilterBackend]


class OrganisationViewSet(DirectoryViewSet):
    """Organisations of the person's department. Filters: ``q``, ``kind``, ``department``
    (code), ``receives_referrals`` (``true``/``false``)."""

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Organisation.objects.none()
        return (
            Organisation.objects.visible_to(self.request.user)
            .select_related("department")
            .order_by("department__code", "name")
        )


class ServiceOfferViewSet(DirectoryViewSet):
    """Active service offers of the person's department. Filters: ``q``, ``kind`` (partner
    kind), ``organisation``, ``public``, ``language``, and the profile check ``age``, ``rqth``,
    ``bpi``, ``french_level``, which keeps the offers open to that person, best fitted first."""

    serializer_class = ServiceOfferSerializer
    filterset_class = ServiceOfferFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return ServiceOffer.objects.none()
        return (
            ServiceOffer.objects.visible_to(self.request.user)
            .filter(is_active=True)
            .select_related("organisation")
            .order_by("organisation__name", "title")
        )


def register(router):
    """Partners' API resources (organisations, offers) are registered here."""
    router.register("organisations", OrganisationViewSet, basename="organisation")
    router.register("offers", ServiceOfferViewSet, basename="offer")
