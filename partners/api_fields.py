"""Related fields of the API, scoped like everything else (DESIGN.md §4, HOUSE.md).

A ``PrimaryKeyRelatedField`` built on ``Model.objects.all()`` accepts any id and, in the browsable
API (development), lists every record of every department in its select. ``VisibleRelatedField``
draws its choices from ``Model.objects.visible_to(request.user)``: an id out of the caller's scope
is refused exactly as a missing one ("does not exist"), and the form lists nothing else.

``visible_choices(Model)`` is the same for django-filter's ``ModelChoiceFilter(queryset=...)``.
"""

from rest_framework import serializers


def visible_choices(model):
    """A ``queryset`` callable for django-filter: the records ``request.user`` may see."""

    def queryset(request):
        user = getattr(request, "user", None)
        if user is None:  # the OpenAPI schema is generated without a person
            return model.objects.none()
        return model.objects.visible_to(user)

    return queryset


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """``VisibleRelatedField(Model)``: a record chosen by id among those the caller may see."""

    def __init__(self, model, **kwargs):
        self.model = model
        kwargs.setdefault("queryset", model.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            return self.model.objects.none()
        return self.model.objects.visible_to(user)
