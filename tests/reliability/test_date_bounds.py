"""No date a person types escapes the shared bounds (``core.validators``): a year 1 or a year 9999
is a field error, never a 500 further down. Walks every form and serializer of the product: each
writable date field carries ``validate_date_bounds`` (declared, or inherited from its model field
through ``BOUNDED_DATE``). The CSV importers are checked line by line in test_bad_inputs.py."""

import importlib
import pkgutil

import pytest
from django import forms
from rest_framework import serializers

from core.validators import validate_date_bounds

PRODUCT = ("core", "effects", "partners", "beneficiaries", "referrals", "governance", "exchange")
PRODUCT += ("web", "config")
DATE_FORM_FIELDS = (forms.DateField, forms.DateTimeField)
DATE_SERIALIZER_FIELDS = (serializers.DateField, serializers.DateTimeField)


def import_product():
    for package in PRODUCT:
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, prefix=f"{package}."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            importlib.import_module(info.name)


def subclasses(base):
    found, todo = set(), [base]
    while todo:
        for cls in todo.pop().__subclasses__():
            if cls not in found:
                found.add(cls)
                todo.append(cls)
    return sorted(
        (cls for cls in found if cls.__module__.split(".")[0] in PRODUCT),
        key=lambda cls: f"{cls.__module__}.{cls.__qualname__}",
    )


def bounded(field, model_field=None):
    """A model form also runs its model field's validators (``full_clean``)."""
    return validate_date_bounds in field.validators + getattr(model_field, "validators", [])


def model_field(form, name):
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except Exception:
        return None


def test_every_date_a_form_takes_is_bounded():
    import_product()
    checked, unbounded = 0, []
    for form in subclasses(forms.BaseForm):
        for name, field in getattr(form, "base_fields", {}).items():
            if isinstance(field, DATE_FORM_FIELDS) and not field.disabled:
                checked += 1
                if not bounded(field, model_field(form, name)):
                    unbounded.append(f"{form.__module__}.{form.__qualname__}.{name}")
    assert checked >= 20
    assert not unbounded, "\n".join(unbounded)


def test_every_date_a_serializer_writes_is_bounded():
    import_product()
    checked, unbounded = 0, []
    for serializer in subclasses(serializers.Serializer):
        if (
            serializer.__qualname__.startswith("Inline")
            or getattr(serializer, "Meta", None)
            and (getattr(serializer.Meta, "abstract", False))
        ):
            continue
        try:
            fields = serializer().fields
        except (AssertionError, TypeError, KeyError, AttributeError):
            # Needs its context or arguments to build its fields: read its declared ones.
            fields = serializer._declared_fields
        for name, field in fields.items():
            if isinstance(field, DATE_SERIALIZER_FIELDS) and not field.read_only:
                checked += 1
                if not bounded(field):
                    unbounded.append(f"{serializer.__module__}.{serializer.__qualname__}.{name}")
    assert checked >= 5
    assert not unbounded, "\n".join(unbounded)


@pytest.mark.django_db
def test_a_model_form_inherits_the_bound_of_its_model():
    from beneficiaries.forms import BeneficiaryForm

    form = BeneficiaryForm(data={"birth_date": "0001-01-01"})
    form.is_valid()
    assert "Saisissez une date entre le 01/01/1900 et le 31/12/2100." in form.errors["birth_date"]
