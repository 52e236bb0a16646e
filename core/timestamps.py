"""``updated_at`` for the rows partners synchronise (API ``updated_since``, partners/api_sync.py).

An abstract base, not a table: ``auto_now`` alone is skipped by ``save(update_fields=[...])``
(Django saves only the fields named), so a change saved that way would never reach a partner's
nightly sync. ``Updated.save`` adds the field to ``update_fields``; a bulk ``QuerySet.update``
sets it itself (as ``AnnualReportQuerySet.update`` does).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Updated(models.Model):
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "updated_at"}
        super().save(*args, **kwargs)
