"""``/api/v1/beneficiaries/``: GET (list, detail), POST, PATCH — the exchange format's names,
the same rules as the pages (``validation``), the same scope (``visible_to``) and audit."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from partners.access import HasCapability, audit_read, list_records
from partners.roles import Cap

from . import actions, skills, validation
from .models import Beneficiary

EXCHANGE_FIELDS = [
    "id",
    "ofii_number",
    "last_name",
    "first_name",
    "sex",
    "birth_date",
    "nationality",
    "permit_kind",
    "first_permit_date",
    "cir_signed_on",
    "postcode",
    "commune",
    "email",
    "phone",
    "rqth",
    "higher_education",
    "french_level",
    "france_travail_id",
]
# The skills assessment (its own form on the file): editable here too.
SKILLS_FIELDS = skills.SKILLS_FIELDS
# The latest French test (written by interviews, read here).
TEST_FIELDS = ["written_level", "oral_level"]
DERIVED_FIELDS = ["age", "is_under_26", "is_bpi", "eligible_until"]


class BeneficiarySerializer(serializers.ModelSerializer):
    age = serializers.IntegerField(read_only=True)
    is_under_26 = serializers.BooleanField(read_only=True)
    is_bpi = serializers.BooleanField(read_only=True)
    eligible_until = serializers.DateField(read_only=True)
    # Codes of FrenchLevel, like french_level (plain strings: one enum in the schema).
    written_level = serializers.CharField(read_only=True, help_text=_("Dernier test : écrit."))
    oral_level = serializers.CharField(read_only=True, help_text=_("Dernier test : oral."))
    target_jobs = serializers.ListField(
        child=serializers.ChoiceField(choices=skills.rome_choices()),
        required=False,
        help_text=_("Codes ROME des métiers visés (liste de référence livrée avec Passerelle)."),
    )
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=skills.language_choices()),
        required=False,
        help_text=_("Langues parlées (codes ISO 639)."),
    )
    confirm_out_of_public = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text=_(
            "Confirme l'enregistrement d'une personne dont le premier titre a plus de 5 ans."
        ),
    )
    confirm_not_duplicate = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text=_("Confirme qu'il s'agit d'un homonyme d'un dossier existant."),
    )

    class Meta:
        model = Beneficiary
        fields = (
            EXCHANGE_FIELDS
            + SKILLS_FIELDS
            + TEST_FIELDS
            + DERIVED_FIELDS
            + ["confirm_out_of_public", "confirm_not_duplicate"]
        )
        read_only_fields = ["id", *TEST_FIELDS]
        extra_kwargs = {"ofii_number": {"validators": []}}  # checked below, with a clearer message

    def validate_nationality(self, value):
        return value.strip().upper()

    def validate_ofii_number(self, value):
        return value.strip().upper()

    def validate(self, attrs):
        confirm_out = attrs.pop("confirm_out_of_public", False)
        confirm_dup = attrs.pop("confirm_not_duplicate", False)
        instance = self.instance
        # A partial update is checked as the file it would become.
        merged = {
            field: attrs.get(field, getattr(instance, field, None))
            for field in validation.CHECKED_FIELDS
        }
        if instance is not None and merged["first_permit_date"] == instance.first_permit_date:
            # A file recorded in time stays editable once its five years have passed.
            confirm_out = True
        errors = validation.file_errors(merged, confirmed_out_of_public=confirm_out)
        if errors:
            raise serializers.ValidationError(errors)
        identity = {
            field: attrs.get(field, getattr(instance, field, None))
            for field in ("ofii_number", "last_name", "first_name", "birth_date")
        }
        duplicates = list(
            validation.find_duplicates(**identity, exclude=instance.pk if instance else None)
        )
        if any(d.ofii_number == identity["ofii_number"] for d in duplicates):
            raise serializers.ValidationError(
                {"ofii_number": [_("Un dossier existe déjà avec ce numéro OFII.")]}
            )
        if duplicates and not confirm_dup:
            user = self.context["request"].user
            # The files the caller may open are named in the answer: audited as shown.
            visible = list_records(
                user,
                Beneficiary.objects.visible_to(user)
                .filter(pk__in=[d.pk for d in duplicates])
                .values_list("pk", flat=True),
                object_type="beneficiary",
                channel="api",
                detail="duplicates",
            )
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        _(
                            "Un dossier existe déjà pour une personne du même nom née le même "
                            "jour. Envoyez confirm_not_duplicate=true s'il s'agit d'un homonyme."
                        )
                    ],
                    "duplicates": sorted(visible),
                }
            )
        return attrs


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("ofii_number", str, description="Numéro de dossier OFII exact"),
            OpenApiParameter(
                "france_travail_id", str, description="Identifiant France Travail exact"
            ),
        ]
    )
)
class BeneficiaryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Beneficiary files in the caller's scope. ``?ofii_number=`` finds one file by number,
    ``?france_travail_id=`` by France Travail identifier (exact, any case)."""

    serializer_class = BeneficiarySerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        reading = self.request.method in ("GET", "HEAD", "OPTIONS")
        capability = Cap.BENEFICIARY_VIEW if reading else Cap.BENEFICIARY_EDIT
        return [HasCapability.of(capability)()]

    def permission_denied(self, request, message=None, code=None):
        # What a role may not do answers 404, as the pages do, so that nothing leaks.
        if request.user and request.user.is_authenticated:
            raise NotFound
        super().permission_denied(request, message=message, code=code)

    def get_queryset(self):
        qs = Beneficiary.objects.visible_to(self.request.user).order_by("pk")
        number = self.request.query_params.get("ofii_number")
        if number:
            # Stored in upper case: an exact match that the unique index answers.
            qs = qs.filter(ofii_number=number.strip().upper())
        france_travail_id = self.request.query_params.get("france_travail_id")
        if france_travail_id:
            qs = qs.filter(france_travail_id__iexact=france_travail_id.strip())
        return qs

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        ids = [row["id"] for row in response.data["results"]]
        list_records(request.user, ids, object_type="beneficiary", channel="api")
        return response

    def retrieve(self, request, *args, **kwargs):
        beneficiary = self.get_object()
        audit_read(request.user, beneficiary, channel="api")
        return Response(self.get_serializer(beneficiary).data)

    def perform_create(self, serializer):
        try:
            serializer.instance = actions.create_file(
                self.request.user, serializer.validated_data, channel="api"
            )
        except actions.DuplicateFile as error:
            raise DuplicateConflict({"ofii_number": [error.message]}) from error

    def perform_update(self, serializer):
        serializer.instance, _changes = actions.correct_file(
            self.request.user, serializer.instance.pk, serializer.validated_data, channel="api"
        )


class DuplicateConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "duplicate"


def register(router):
    router.register("beneficiaries", BeneficiaryViewSet, basename="beneficiary")
