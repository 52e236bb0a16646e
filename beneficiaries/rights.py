"""The person's right of access (RGPD article 15): everything Passerelle holds on one person."""

import datetime

from django.core.exceptions import FieldDoesNotExist
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import Beneficiary, Interview, Qualification, country_name
from .skills import languages_display, target_jobs_display
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


# --- The printed page: the same data, every field labelled in French --------------------------

DERIVED_LABELS = {
    "age": _("Âge"),
    "is_under_26": _("Moins de 26 ans"),
    "is_bpi": _("Bénéficiaire de la protection internationale (BPI)"),
    "eligible_until": _("Éligible à l'accord jusqu'au"),
}
COMMON_LABELS = {
    "id": _("Identifiant"),
    "at": _("Date"),
    "author": _("Auteur"),
    "changes": _("Modifications"),
    "ofii_organisation": _("Direction territoriale OFII"),
    "nationality": _("Nationalité"),
    "country": _("Pays"),
}


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def field_label(model, name):
    if name in COMMON_LABELS:
        return str(COMMON_LABELS[name])
    if name in DERIVED_LABELS:
        return str(DERIVED_LABELS[name])
    field = _field(model, name) if model else None
    label = getattr(field, "verbose_name", None) or name.replace("_", " ")
    return capfirst(str(label))


def display_value(model, name, value):
    """A value as a person reads it: labels of codes, oui/non, French dates, "—" when empty."""
    if value is None or value == "" or value == []:
        return "—"
    if name in ("nationality", "country"):
        return country_name(value)
    if name == "languages":
        return ", ".join(languages_display(value))
    if name == "target_jobs":
        return ", ".join(target_jobs_display(value))
    if isinstance(value, bool):
        return str(_("oui") if value else _("non"))
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "d/m/Y H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "d/m/Y")
    field = _field(model, name) if model else None
    if field is not None and field.many_to_one and not isinstance(value, str):
        related = field.related_model.objects.filter(pk=value).first()
        return str(related) if related is not None else "—"
    if field is not None and field.choices:
        labels = {str(code): str(label) for code, label in field.flatchoices}
        if isinstance(value, list):
            return ", ".join(labels.get(str(item), str(item)) for item in value)
        return labels.get(str(value), str(value))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def labelled(model, record):
    """[(label, value)] of one record (a dict of ``person_data``)."""
    return [(field_label(model, name), display_value(model, name, v)) for name, v in record.items()]


def labelled_correction(correction):
    changes = "; ".join(
        f"{field_label(Beneficiary, name)} : « {display_value(Beneficiary, name, change['old'])} »"
        f" → « {display_value(Beneficiary, name, change['new'])} »"
        for name, change in correction["changes"].items()
    )
    return [
        (str(COMMON_LABELS["at"]), display_value(None, "at", correction["at"])),
        (str(COMMON_LABELS["author"]), correction["author"] or "—"),
        (str(COMMON_LABELS["changes"]), changes or "—"),
    ]


def printable(data):
    """The page's sections: [(title, [[(label, value)], …])], the file first."""
    models = {"interviews": Interview, "qualifications": Qualification}
    for relation in Beneficiary._meta.related_objects:
        models.setdefault(relation.get_accessor_name(), relation.related_model)
    sections = [(str(_("Dossier")), [labelled(Beneficiary, data["file"])])]
    for name, records in data.items():
        if name in ("file", "timeline"):
            continue
        model = models.get(name)
        title = capfirst(str(model._meta.verbose_name_plural)) if model else name
        if name == "corrections":
            rows = [labelled_correction(c) for c in records]
        else:
            rows = [labelled(model, record) for record in records]
        sections.append((title, rows))
    return sections
