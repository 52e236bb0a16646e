"""API of the annual bilan: ``/api/v1/reports/``.

``POST {"year", "agreement"}`` answers 202 with the report (its generation is queued);
``GET /{id}/`` gives its status, progress and ``download_url``; ``GET /{id}/download/`` answers the
PDF. Same permissions as the pages: out of scope answers 404.
"""

import json

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from partners.roles import Cap, has_capability

from ..models import Agreement, AnnualReport
from . import actions
from .render import MissingPdf, pdf_response


class PdfRenderer(BaseRenderer):
    """Lets a client ask for ``Accept: application/pdf``; errors still come out as JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data).encode() if data is not None else b""


class ReportSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = AnnualReport
        fields = [
            "id",
            "agreement",
            "year",
            "version",
            "status",
            "progress",
            "requested_at",
            "generated_at",
            "sha256",
            "validated_at",
            "download_url",
            "updated_at",
        ]
        read_only_fields = fields

    def get_download_url(self, report) -> str | None:
        if report.status not in (AnnualReport.Status.READY, AnnualReport.Status.VALIDATED):
            return None
        request = self.context["request"]
        return request.build_absolute_uri(f"/api/v1/reports/{report.pk}/download/")


class ReportRequestSerializer(serializers.Serializer):
    agreement = serializers.PrimaryKeyRelatedField(queryset=Agreement.objects.none())
    year = serializers.IntegerField(min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Out of the person's department: "not found", as everywhere else. (No request when
        # the OpenAPI schema is generated.)
        request = self.context.get("request")
        if request is not None:
            self.fields["agreement"].queryset = Agreement.objects.visible_to(request.user)

    def validate(self, data):
        if data["year"] not in actions.years_for(data["agreement"]):
            raise serializers.ValidationError(
                {"year": _("Choisissez une année couverte par l'accord, jusqu'à l'année en cours.")}
            )
        return data


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReportSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema, without a person
            return AnnualReport.objects.none()
        return AnnualReport.objects.visible_to(self.request.user).order_by(
            "-year", "agreement", "-version"
        )

    @extend_schema(request=ReportRequestSerializer, responses={202: ReportSerializer})
    def create(self, request):
        if not has_capability(request.user, Cap.REPORT_REQUEST):
            raise Http404
        serializer = ReportRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        try:
            report = actions.request_report(
                request.user,
                serializer.validated_data["agreement"],
                serializer.validated_data["year"],
            )
        except actions.ReportError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(
            ReportSerializer(report, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PdfRenderer])
    def download(self, request, pk=None):
        report = self.get_object()
        if report.status not in (AnnualReport.Status.READY, AnnualReport.Status.VALIDATED):
            raise Http404
        try:
            response = pdf_response(report)
        except MissingPdf:
            return Response({"detail": str(MissingPdf.message)}, status=status.HTTP_404_NOT_FOUND)
        actions.record_download(request.user, report, channel="api")
        return response


def register(router):
    """The annual bilan's API resources (reports) are registered here."""
    router.register("reports", ReportViewSet, basename="report")
