"""Governance API: agreements, meetings and statistics (exchange format of DESIGN.md §5)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from partners.access import HasCapability
from partners.roles import Cap

from . import statistics
from .bilan import api as bilan_api
from .models import Agreement, Meeting, Signatory
from .statistics.figures import PARTNER_FIGURES, SLICE_FIGURES, STATUS_GROUPS
from .statistics.periods import period_errors, period_of
from .statistics.scope import ScopeError, statistics_scope


class SignatorySerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Signatory
        fields = ["organisation", "organisation_name", "representative_title", "signed_on"]


class AgreementSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code", read_only=True)
    signatories = SignatorySerializer(many=True, read_only=True)
    termination_effective_on = serializers.DateField(read_only=True)
    axes = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            "id",
            "title",
            "department",
            "status",
            "signed_on",
            "starts_on",
            "ends_on",
            "signatories",
            "national_framework",
            "termination_notice_on",
            "termination_effective_on",
            "axes",
            "updated_at",
        ]

    @extend_schema_field(
        inline_serializer(
            "AgreementAxis",
            {"number": serializers.IntegerField(), "title": serializers.CharField()},
            many=True,
        )
    )
    def get_axes(self, agreement):
        return [{"number": axis.number, "title": axis.title} for axis in agreement.axes.all()]


class AgreementViewSet(viewsets.ReadOnlyModelViewSet):
    """The agreements of the person's department."""

    queryset = Agreement.objects.none()  # for the schema; get_queryset scopes
    serializer_class = AgreementSerializer
    permission_classes = [HasCapability.of(Cap.GOVERNANCE_VIEW)]
    filter_backends = []

    def get_queryset(self):
        return (
            Agreement.objects.visible_to(self.request.user)
            .select_related("department")
            .prefetch_related("signatories__organisation", "axes")
            .order_by("-starts_on", "pk")
        )


class MeetingSerializer(serializers.ModelSerializer):
    committee = serializers.CharField(source="committee.kind", read_only=True)
    agreement = serializers.IntegerField(source="committee.agreement_id", read_only=True)
    invited = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "committee",
            "agreement",
            "date",
            "place",
            "status",
            "agenda",
            "invited",
            "updated_at",
        ]


class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    """The meetings of the committees of the person's department (latest first)."""

    queryset = Meeting.objects.none()  # for the schema; get_queryset scopes
    serializer_class = MeetingSerializer
    permission_classes = [HasCapability.of(Cap.GOVERNANCE_VIEW)]
    filter_backends = []

    def get_queryset(self):
        return (
            Meeting.objects.visible_to(self.request.user)
            .select_related("committee__agreement")
            .prefetch_related("invited")
            .order_by("-date", "pk")
        )


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string", "enum": ["< 5", "≥ 5"]}]})
class CountField(serializers.JSONField):
    """A count, or "< 5" / "≥ 5" when masked."""


def _fields(keys):
    return {key: CountField() for key in keys}


StatisticsSliceSerializer = type(
    "StatisticsSliceSerializer", (serializers.Serializer,), _fields(SLICE_FIGURES)
)
SpeDecisionsSerializer = type(
    "SpeDecisionsSerializer",
    (serializers.Serializer,),
    _fields(("oriented", "dispensed", "already_followed", "not_job_seeking")),
)
ReferralsByStatusSerializer = type(
    "ReferralsByStatusSerializer", (serializers.Serializer,), _fields(STATUS_GROUPS)
)
StatisticsPartnerSerializer = type(
    "StatisticsPartnerSerializer",
    (serializers.Serializer,),
    {
        "organisation": serializers.IntegerField(),
        "name": serializers.CharField(),
        "kind": serializers.CharField(),
        **_fields(PARTNER_FIGURES),
        "acceptance_rate": serializers.FloatField(allow_null=True),
        "median_days_to_answer": serializers.FloatField(allow_null=True),
        "refusal_reasons": serializers.DictField(child=CountField()),
        "outcomes": serializers.DictField(child=CountField()),
    },
)
StatisticsMonthSerializer = type(
    "StatisticsMonthSerializer",
    (serializers.Serializer,),
    {
        "month": serializers.IntegerField(),
        "year": serializers.IntegerField(),
        **_fields(SLICE_FIGURES),
    },
)


# One object, though served by the viewset's ``list``: the schema said an array (schemathesis).
@extend_schema_serializer(many=False)
class StatisticsSerializer(serializers.Serializer):
    """The statistics exchange format (documentation of the response)."""

    department = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    period = inline_serializer(
        "StatisticsPeriod", {"from": serializers.DateField(), "to": serializers.DateField()}
    )
    masked = serializers.BooleanField()
    cir_signatories = CountField()
    interviews = CountField()
    oriented = CountField()
    dispensed = CountField()
    spe_decisions = SpeDecisionsSerializer()
    end_of_cir_interviews = CountField()
    referrals_sent = CountField()
    referrals_accepted = CountField()
    referrals_refused = CountField()
    referrals_closed = CountField()
    referrals_by_status = ReferralsByStatusSerializer()
    acceptance_rate = serializers.FloatField(allow_null=True)
    median_days_to_answer = serializers.FloatField(allow_null=True)
    median_days_to_first_appointment = serializers.FloatField(allow_null=True)
    overdue = CountField()
    unanswered = CountField()
    answered_late = CountField()
    oriented_not_referred = CountField()
    outcomes = serializers.DictField(child=CountField())
    outcomes_by_public = serializers.DictField(child=serializers.DictField(child=CountField()))
    outcomes_by_permit_kind = serializers.DictField(child=serializers.DictField(child=CountField()))
    follow_ups = serializers.DictField(child=CountField())
    accompaniments = serializers.DictField(child=CountField())
    refusal_reasons = serializers.DictField(child=CountField())
    by_partner = StatisticsPartnerSerializer(many=True)
    by_public = serializers.DictField(child=StatisticsSliceSerializer())
    by_permit_kind = serializers.DictField(child=StatisticsSliceSerializer())
    by_month = StatisticsMonthSerializer(many=True)


class _StatisticsQuery(serializers.Serializer):
    def validate(self, attrs):
        errors = period_errors(attrs.get("year"), attrs.get("from"), attrs.get("to"))
        if errors:
            raise ValidationError({field: [message] for field, message in errors.items()})
        attrs["period"] = period_of(attrs.get("year"), attrs.get("from"), attrs.get("to"))
        return attrs


# "from" is a Python keyword: the fields are given as a dict.
StatisticsQuerySerializer = type(
    "StatisticsQuerySerializer",
    (_StatisticsQuery,),
    {
        "year": serializers.IntegerField(min_value=2000, max_value=2100, required=False),
        "from": serializers.DateField(required=False),
        "to": serializers.DateField(required=False),
        "department": serializers.CharField(required=False, max_length=3),
        "organisation": serializers.IntegerField(required=False),
    },
)


class StatisticsViewSet(viewsets.ViewSet):
    """Aggregated figures of a department for a year (``?year=``, the default) or any period
    (``?from=2026-01-01&to=2026-03-31``, both days included). Counts from 1 to 4 read "< 5" for
    everyone but the OFII directorate that holds the files (see the method notes of
    ``governance.statistics``)."""

    permission_classes = [HasCapability.of(Cap.STATISTICS_VIEW)]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "year", OpenApiTypes.INT, description=_("Année (sans « from » ni « to »)")
            ),
            OpenApiParameter(
                "from", OpenApiTypes.DATE, description=_("Début de la période (avec « to »)")
            ),
            OpenApiParameter("to", OpenApiTypes.DATE, description=_("Fin de la période, incluse")),
            OpenApiParameter(
                "department", OpenApiTypes.STR, description=_("Code du département (le vôtre)")
            ),
            OpenApiParameter(
                "organisation",
                OpenApiTypes.INT,
                description=_("Orientations envoyées à (ou par) cette organisation seulement"),
            ),
        ],
        responses={200: StatisticsSerializer},
    )
    def list(self, request):
        query = StatisticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            department, organisation, masked = statistics_scope(
                request.user,
                department_code=query.validated_data.get("department"),
                organisation_id=query.validated_data.get("organisation"),
            )
        except ScopeError as error:
            raise ValidationError({error.field: [error.message]}) from error
        figures = statistics.compute(
            department,
            period=query.validated_data["period"],
            organisation=organisation,
            masked=masked,
        )
        return Response(figures)


def register(router):
    """Governance resources (agreements, meetings, statistics) and the bilan's (reports)."""
    router.register("agreements", AgreementViewSet, basename="agreement")
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("statistics", StatisticsViewSet, basename="statistics")
    bilan_api.register(router)
