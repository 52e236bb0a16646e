"""The inbox page and the API list issue the same number of queries at 10 and 1,000 referrals."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .factories import many_referrals

pytestmark = pytest.mark.django_db


def queries(call):
    with CaptureQueriesContext(connection) as context:
        response = call()
    assert response.status_code == 200
    return len(context.captured_queries)


def test_inbox_page_constant_queries(client, mission_locale, ofii, orgs, django_assert_num_queries):
    client.force_login(mission_locale)
    many_referrals(10, sender=ofii, to_organisation=orgs["mission_locale"])
    params = {"public": ["women"], "q": "nom"}
    # 1 session, 2 user, 3 active membership (with organisation and department),
    # 4 counsellors of the organisation, 5 paginator count, 6 page of referrals (with person,
    # organisations and counsellor joined), 7 audit rows (one bulk insert),
    # 8 counts by status and overdue (one aggregate), 9 unread messages (one count)
    with django_assert_num_queries(9):
        client.get(reverse("referrals:inbox"), params)
    many_referrals(990, sender=ofii, to_organisation=orgs["mission_locale"], start=10)
    with django_assert_num_queries(9):
        client.get(reverse("referrals:inbox"), params)


def test_api_list_constant_queries(api_as, mission_locale, ofii, orgs, django_assert_num_queries):
    api = api_as(mission_locale)
    many_referrals(10, sender=ofii, to_organisation=orgs["mission_locale"])
    # 1 token with its user, 2 active membership, 3 count, 4 page of referrals,
    # 5 their events (one prefetch), 6 audit rows (one bulk insert)
    assert queries(lambda: api.get("/api/v1/referrals/")) == 6
    many_referrals(990, sender=ofii, to_organisation=orgs["mission_locale"], start=10)
    with django_assert_num_queries(6):
        api.get("/api/v1/referrals/")
