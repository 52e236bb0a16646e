"""The person's right of access (RGPD article 15): everything Passerelle holds on one person."""

from django.forms.models import model_to_dict

from .models import Beneficiary
from .timeline import timeline

FILE_FIELDS = [
    field.name for field in Beneficiary._meta.concrete_fields if field.name != "search_key"
]
DERIVED = ["age", "is_under_26", "is_bpi", "eligible_until"]
OWN_RELATIONS = {"interviews", "qualifications", "corrections"}


def _plain(value):
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(item) for item in value]
    return value


def _record(instance, exclude=()):
    data = model_to_dict(instance, exclude=exclude)
    data["id"] = instance.pk
    return {key: _plain(value) for key, value in data.items()}


def person_data(beneficiary, user):
    """A JSON-ready dict: the file, derived facts, interviews, qualifications, corrections, the
    records other apps hold on the person (referrals…), and the timeline."""
    file = {name: _plain(getattr(beneficiary, name)) for name in FILE_FIELDS}
    file["ofii_organisation"] = beneficiary.ofii_organisation.name
    file.update({name: getattr(beneficiary, name) for name in DERIVED})
    interviews = []
    for interview in beneficiary.interviews.prefetch_related("resources").select_related(
        "auditor", "organisation"
    ):
        record = _record(interview, exclude=["beneficiary"])
        record["resources"] = [resource.name for resource in interview.resources.all()]
        interviews.append(record)
    data = {
        "file": file,
        "interviews": interviews,
        "qualifications": [
            _record(q, exclude=["beneficiary"]) for q in beneficiary.qualifications.all()
        ],
        "corrections": [
            {"at": c.at, "author": str(c.author) if c.author else "", "changes": c.changes}
            for c in beneficiary.corrections.select_related("author")
        ],
    }
    # Records of the apps above (referrals…), through their reverse relations: nothing imported.
    for relation in Beneficiary._meta.related_objects:
        name = relation.get_accessor_name()
        if name in OWN_RELATIONS or not relation.one_to_many:
            continue
        data[name] = [
            _record(obj, exclude=[relation.field.name]) for obj in getattr(beneficiary, name).all()
        ]
    data["timeline"] = [
        {"at": entry.at, "kind": entry.kind, "title": entry.title, "detail": entry.detail}
        for entry in timeline(beneficiary, user)
    ]
    return data
