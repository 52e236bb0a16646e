"""Lists of the governance issue a constant number of queries, whatever their length."""

import pytest

from governance.models import Meeting

from .factories import AgreementFactory, MeetingFactory


def _meetings(agreement, orgs, n):
    for i in range(n):
        meeting = MeetingFactory(
            agreement=agreement, kind=["copil", "technical"][i % 2], status=Meeting.Status.HELD
        )
        meeting.invited.set([orgs["ofii"], orgs["france_travail"]])


def _count(call):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 12])
def test_meetings_api_constant_queries(paris, orgs, ofii, api_as, size, django_assert_num_queries):
    _meetings(AgreementFactory(department=paris), orgs, size)
    client = api_as(ofii)
    # 1 token and user, 2 membership, 3 count, 4 page of meetings with their committee,
    # 5 invited organisations (prefetch)
    with django_assert_num_queries(5):
        response = client.get("/api/v1/meetings/")
    assert response.json()["count"] == size


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 6])
def test_agreements_api_constant_queries(paris, partner, api_as, size, django_assert_num_queries):
    for _ in range(size):
        AgreementFactory(department=paris)
    client = api_as(partner)
    # 1 token and user, 2 membership, 3 count, 4 page of agreements with their department,
    # 5 signatories with their organisations, 6 axes
    with django_assert_num_queries(6):
        response = client.get("/api/v1/agreements/")
    assert response.json()["count"] == size


@pytest.mark.django_db
def test_meeting_list_page_constant_queries(client, paris, orgs, prefecture):
    agreement = AgreementFactory(department=paris)
    client.force_login(prefecture)
    client.get("/gouvernance/reunions/")
    counts = []
    for size in (2, 12):
        _meetings(agreement, orgs, size - Meeting.objects.count())
        counts.append(_count(lambda: client.get("/gouvernance/reunions/")))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_governance_page_constant_queries(client, paris, orgs, prefecture):
    agreement = AgreementFactory(department=paris)
    client.force_login(prefecture)
    counts = []
    for size in (2, 12):
        _meetings(agreement, orgs, size - Meeting.objects.count())
        counts.append(_count(lambda: client.get("/gouvernance/")))
    assert counts[0] == counts[1]
