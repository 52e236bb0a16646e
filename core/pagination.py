"""Pagination of long lists without an exact ``count(*)`` over huge tables.

``CappedPaginator`` counts at most ``cap + 1`` rows (``SELECT count(*) FROM (… LIMIT cap + 1)``):
a list of 600,000 files costs the same as one of 10,001; the page then says "more than 10,000"
(``is_capped``) and offers its pages up to the cap. Narrowing the filters shows the rest.
"""

from django.core.paginator import Paginator
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
