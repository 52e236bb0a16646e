"""Tombstones: what the incremental sync says of a record that is gone (deleted) or no longer
shown (anonymised): its type, its id and the date, one row per audience — the organisations that
saw it, and the department for what its OFII or everyone of it saw. No personal data."""

from beneficiaries.models import Beneficiary, Interview, Qualification
from partners.models import Organisation, Resource, ServiceOffer, TrainingOffer
from referrals.models import Document, FollowUp, Message, Referral

from .models import Tombstone

OBJECT_TYPES = {
    Beneficiary: "beneficiary",
    Interview: "interview",
    Qualification: "qualification",
    Referral: "referral",
    FollowUp: "follow_up",
    Message: "message",
    Document: "document",
    Organisation: "organisation",
    ServiceOffer: "offer",
    Resource: "resource",
    TrainingOffer: "training",
}


def synced_models():
    return list(OBJECT_TYPES)


def _of_file(beneficiary_id):
    file = Beneficiary.objects.filter(pk=beneficiary_id).values_list(
        "ofii_organisation__department_id", flat=True
    )
    department = file.first()
    receivers = (
        Referral.objects.filter(beneficiary_id=beneficiary_id)
        .values_list("to_organisation_id", flat=True)
        .distinct()
    )
    return [(department, None)] + [(department, org) for org in receivers] if department else []


def _of_referral(referral_id):
    row = (
        Referral.objects.filter(pk=referral_id)
        .values_list(
            "from_organisation__department_id", "from_organisation_id", "to_organisation_id"
        )
        .first()
    )
    if row is None:
        return []
    department, sender, receiver = row
    return [(department, sender), (department, receiver)]


def audience(instance):
    """[(department id, organisation id or None)] who saw ``instance``."""
    if isinstance(instance, Beneficiary):
        return _of_file(instance.pk)
    if isinstance(instance, (Interview, Qualification)):
        return _of_file(instance.beneficiary_id)
    if isinstance(instance, Referral):
        return _of_referral(instance.pk)
    if isinstance(instance, (FollowUp, Message, Document)):
        return _of_referral(instance.referral_id)
    if isinstance(instance, Organisation):
        return [(instance.department_id, None)]
    if isinstance(instance, ServiceOffer):
        department = (
            Organisation.objects.filter(pk=instance.organisation_id)
            .values_list("department_id", flat=True)
            .first()
        )
        return [(department, None)] if department else []
    return [(instance.department_id, None)]  # resources, trainings


def before_delete(sender, instance, **kwargs):
    # Read before the cascade removes what tells who saw it.
    instance._tombstone_audience = audience(instance)


def deleted(sender, instance, **kwargs):
    rows = getattr(instance, "_tombstone_audience", None) or []
    Tombstone.objects.bulk_create(
        Tombstone(
            object_type=OBJECT_TYPES[type(instance)],
            object_id=instance.pk,
            reason=Tombstone.Reason.DELETED,
            department_id=department,
            organisation_id=organisation,
        )
        for department, organisation in dict.fromkeys(rows)
    )


def anonymised(files):
    """The eraser ``beneficiaries.actions.anonymise`` calls (its transaction): the files, their
    interviews and qualifications leave every scope."""
    departments = dict(files.values_list("pk", "ofii_organisation__department_id"))
    receivers = {}
    for person, organisation in (
        Referral.objects.filter(beneficiary__in=files)
        .values_list("beneficiary_id", "to_organisation_id")
        .distinct()
    ):
        receivers.setdefault(person, set()).add(organisation)
    records = [("beneficiary", pk, pk) for pk in departments]
    for model, object_type in ((Interview, "interview"), (Qualification, "qualification")):
        records += [
            (object_type, pk, person)
            for pk, person in model.objects.filter(beneficiary__in=files).values_list(
                "pk", "beneficiary_id"
            )
        ]
    Tombstone.objects.bulk_create(
        Tombstone(
            object_type=object_type,
            object_id=pk,
            reason=Tombstone.Reason.ANONYMISED,
            department_id=departments[person],
            organisation_id=organisation,
        )
        for object_type, pk, person in records
        for organisation in (None, *sorted(receivers.get(person, ())))
    )
