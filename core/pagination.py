"""Pagination of long lists without an exact ``count(*)`` over huge tables.

``CappedPaginator`` counts at most ``cap + 1`` rows (``SELECT count(*) FROM (… LIMIT cap + 1)``):
a list of 600,000 files costs the same as one of 10,001; the page then says "more than 10,000"
(``is_capped``) and offers its pages up to the cap. Narrowing the filters shows the rest.

A page past the first is read in two steps: the ids of its rows, then those rows. With
``OFFSET``, the database computes the selected columns of every row it skips; a list whose rows
carry a subquery (the latest SPE decision of each file) ran it for the 4,950 files before page
100 (bench/RESULTS.md). The ids walk the ORDER BY alone.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    cap = COUNT_CAP

    @cached_property
    def count(self):
        rows = self.object_list
        if hasattr(rows, "order_by"):
            # No ordering and no annotation in the count: the database stops at cap + 1 rows
            # of an index instead of sorting the whole list first.
            rows = rows.order_by().values("pk")
        return min(rows[: self.cap + 1].count(), self.cap + 1)

    @property
    def is_capped(self):
        return self.count > self.cap

    def page(self, number):
        page = super().page(number)
        rows = page.object_list
        if isinstance(rows, QuerySet) and rows.query.low_mark:
            bottom, top = rows.query.low_mark, rows.query.high_mark
            ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
            by_id = {row.pk: row for row in self.object_list.order_by().filter(pk__in=ids)}
            # A row gone between the two reads is left out, not shown stale.
            page.object_list = [by_id[pk] for pk in ids if pk in by_id]
        return page
