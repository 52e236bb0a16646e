import pytest

from partners import audit
from partners.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_record_writes_who_when_what_and_organisation(ofii, orgs):
    entry = audit.record(ofii, audit.Action.VIEW, "beneficiary", 42, channel="api")
    entry.refresh_from_db()
    assert entry.actor == ofii
    assert entry.organisation == orgs["ofii"]
    assert (entry.action, entry.object_type, entry.object_id, entry.channel) == (
        "view",
        "beneficiary",
        "42",
        "api",
    )
    assert entry.at is not None


def test_record_many_is_one_query(ofii, django_assert_num_queries):
    assert ofii.active_membership  # loaded once per request by the middleware
    with django_assert_num_queries(1):  # one INSERT for every row
        audit.record_many(ofii, audit.Action.EXPORT, "beneficiary", [1, 2, 3])
    assert AuditEntry.objects.filter(action="export").count() == 3
