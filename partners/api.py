from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from . import second_factor, tokens
from .access import HasCapability
from .auth_models import ApiToken
from .filters import OrganisationFilter, ServiceOfferFilter, StrictFilterBackend
from .models import Organisation, ServiceOffer
from .roles import Cap


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text="Code of the second factor (TOTP or recovery code), for accounts that have one.",
    )
    name = serializers.CharField(required=False, max_length=100, default="API")


class TokenResponseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    token = serializers.CharField(help_text="Shown once: only its digest is stored.")
    expires_at = serializers.DateTimeField(read_only=True)


LOGIN_REFUSED = _(
    "Adresse électronique ou mot de passe incorrect, ou compte bloqué quelques minutes."
)


class ObtainTokenView(APIView):
    """``POST {"email", "password", "otp"?}`` → ``{"id", "token", "expires_at"}``: a new personal
    token, shown once, valid ``API_TOKEN_DAYS`` days. Failed attempts count towards the same
    per-account lockout as the login page (django-axes), whatever the case or spaces of the
    address; a success resets it. Accounts with a second factor give its code in ``otp``."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenResponseSerializer},
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        django_request = request._request  # so that django-axes sees and counts the attempt
        user = authenticate(django_request, username=data["email"], password=data["password"])
        if getattr(django_request, "axes_locked_out", False):
            return Response({"detail": LOGIN_REFUSED}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if user is None or not user.is_active or user.is_service:
            return Response({"detail": LOGIN_REFUSED}, status=status.HTTP_400_BAD_REQUEST)
        if second_factor.has_device(user):
            if second_factor.verify(user, data.get("otp"), channel="api") is None:
                return Response(
                    {"otp": [_("Code de second facteur manquant ou incorrect.")]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        elif second_factor.is_required(user):
            return Response(
                {
                    "otp": [
                        _(
                            "La double authentification est obligatoire pour ce compte : "
                            "activez-la d'abord sur le site (Mon compte)."
                        )
                    ]
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        # A successful sign-in: django-axes resets the failure count, the audit records it.
        user_logged_in.send(sender=user.__class__, request=django_request, user=user)
        token, key = tokens.create_personal(user, name=data["name"], channel="api")
        return Response({"id": token.pk, "token": key, "expires_at": token.expires_at})


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "kind", "prefix", "created_at", "expires_at", "last_used_at"]
        read_only_fields = fields


class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The caller's usable personal tokens (never the key); ``DELETE`` revokes one."""

    serializer_class = ApiTokenSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return ApiToken.objects.none()
        return (
            ApiToken.objects.visible_to(self.request.user)
            .usable()
            .filter(kind=ApiToken.Kind.PERSONAL)
        )

    def perform_destroy(self, instance):
        tokens.revoke(self.request.user, instance, channel="api")


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
    # "offers" (read and write): partners.api_directory.
    router.register("auth/tokens", ApiTokenViewSet, basename="apitoken")
