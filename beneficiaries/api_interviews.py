"""``/api/v1/interviews/`` and ``/api/v1/qualifications/`` (read): the same scope as the file's
pages (``visible_to``: the OFII of the department, the receivers of the person's referrals),
every read audited. The situation notes of an interview stay the OFII's."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from partners.access import HasCapability, audit_read, list_records
from partners.roles import Cap, Role, role_of

from .models import Interview, Qualification

INTERVIEW_FIELDS = [
    "id",
    "beneficiary",
    "kind",
    "held_on",
    "organisation",
    "written_level",
    "oral_level",
    "prescribed_hours",
    "french_course",
    "target_level",
    "training_offer",
    "information_notice",
    "civic_training",
    "resources",
    "spe_decision",
    "created_at",
    "updated_at",
]
# The OFII's own notes on the person: never shown to the partners.
SITUATION_FIELDS = ["family_situation", "social_situation", "professional_situation", "notes"]


class InterviewSerializer(serializers.ModelSerializer):
    """An interview as the receivers see it (no situation notes)."""

    # Codes of FrenchLevel (plain strings, as on beneficiaries: one enum in the schema).
    written_level = serializers.CharField(read_only=True)
    oral_level = serializers.CharField(read_only=True)
    target_level = serializers.CharField(read_only=True)

    class Meta:
        model = Interview
        fields = INTERVIEW_FIELDS
        read_only_fields = fields


class OfiiInterviewSerializer(InterviewSerializer):
    """An interview as the OFII sees it: with the situation notes."""

    class Meta(InterviewSerializer.Meta):
        fields = INTERVIEW_FIELDS + SITUATION_FIELDS
        read_only_fields = fields


INTERVIEW_EXAMPLE = OpenApiExample(
    "Interview (receiver)",
    value={
        "id": 12,
        "beneficiary": 345,
        "kind": "personalised",
        "held_on": "2026-03-02",
        "organisation": 1,
        "written_level": "A1",
        "oral_level": "A2",
        "prescribed_hours": 200,
        "french_course": "",
        "target_level": "A2",
        "training_offer": 7,
        "information_notice": True,
        "civic_training": True,
        "resources": [3],
        "spe_decision": "oriented",
        "created_at": "2026-03-02T10:12:00+01:00",
        "updated_at": "2026-03-02T10:12:00+01:00",
    },
    response_only=True,
)


class FileRecordViewSet(viewsets.ReadOnlyModelViewSet):
    """A record about a person's file: scoped with it, every read audited."""

    permission_classes = [HasCapability.of(Cap.BENEFICIARY_VIEW)]
    filterset_fields = ["beneficiary"]
    object_type = ""

    def get_queryset(self):
        model = self.serializer_class.Meta.model
        if getattr(self, "swagger_fake_view", False):
            return model.objects.none()
        return model.objects.visible_to(self.request.user).order_by("pk")

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        ids = [row["id"] for row in response.data["results"]]
        list_records(request.user, ids, object_type=self.object_type, channel="api")
        return response

    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()
        audit_read(request.user, record, object_type=self.object_type, channel="api")
        return Response(self.get_serializer(record).data)


@extend_schema_view(
    list=extend_schema(examples=[INTERVIEW_EXAMPLE]),
    retrieve=extend_schema(examples=[INTERVIEW_EXAMPLE]),
)
class InterviewViewSet(FileRecordViewSet):
    """Interviews (the SPE decision, the French levels, the prescriptions). Filter:
    ``beneficiary``. The OFII also gets the situation notes (``family_situation``…)."""

    serializer_class = InterviewSerializer
    object_type = "interview"

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False):
            return InterviewSerializer
        if role_of(self.request.user) == Role.OFII:
            return OfiiInterviewSerializer
        return InterviewSerializer

    def get_queryset(self):
        return super().get_queryset().prefetch_related("resources")


class QualificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Qualification
        fields = [
            "id",
            "beneficiary",
            "kind",
            "title",
            "country",
            "obtained_year",
            "recognition",
            "requested_on",
            "result",
            "result_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        examples=[
            OpenApiExample(
                "Qualification",
                value={
                    "id": 4,
                    "beneficiary": 345,
                    "kind": "diploma",
                    "title": "Licence de comptabilité",
                    "country": "SN",
                    "obtained_year": 2015,
                    "recognition": "enic_naric",
                    "requested_on": "2026-02-01",
                    "result": "pending",
                    "result_on": None,
                    "created_at": "2026-02-01T09:00:00+01:00",
                    "updated_at": "2026-02-01T09:00:00+01:00",
                },
                response_only=True,
            )
        ]
    )
)
class QualificationViewSet(FileRecordViewSet):
    """Qualifications of the files in scope (diplomas, experience, recognition). Filter:
    ``beneficiary``."""

    serializer_class = QualificationSerializer
    object_type = "qualification"


def register(router):
    router.register("interviews", InterviewViewSet, basename="interview")
    router.register("qualifications", QualificationViewSet, basename="qualification")
