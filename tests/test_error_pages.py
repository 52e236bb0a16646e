"""Error pages: French, DSFR layout, a way back home, no technical detail — with and without DEBUG."""

import re

import pytest
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


@login_not_required
def broken(request):
    raise RuntimeError("SELECT secret FROM table")


@login_not_required
def bad_request(request):
    from django.core.exceptions import SuspiciousOperation

    raise SuspiciousOperation("technical detail")


@login_not_required
def form_with_errors(request):
    return HttpResponse("<p>Le motif est obligatoire.</p>", status=400)


urlpatterns = [
    path("boom/", broken),
    path("bad/", bad_request),
    path("form/", form_with_errors),
    *project_urlpatterns,
]


def assert_french_page(response, status, title):
    html = response.content.decode()
    assert response.status_code == status
    assert title in html
    assert '<html lang="fr"' in html
    assert "fr-header" in html and "fr-footer" in html  # the DSFR layout
    assert 'href="/"' in html  # a way back home
    for technical in ("Traceback", "urlpatterns", "SELECT secret", "technical detail", "Django"):
        assert technical not in html


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def debug(request, settings):
    settings.DEBUG = request.param
    settings.ROOT_URLCONF = __name__
    return request.param


@pytest.mark.django_db
def test_404_is_french_for_an_unknown_address(client, debug):
    assert_french_page(client.get("/nulle-part/"), 404, "Page non trouvée")


@pytest.mark.django_db
def test_404_reads_the_same_for_missing_and_out_of_scope(client, ofii, ofii93):
    from tests.factories import BeneficiaryFactory

    other = BeneficiaryFactory(ofii_organisation=ofii93.active_membership.organisation)
    client.force_login(ofii)
    out_of_scope = client.get(f"/beneficiaires/{other.pk}/")
    missing = client.get("/beneficiaires/999999/")
    assert_french_page(out_of_scope, 404, "Page non trouvée")
    # The same page but for the logout form's CSRF token, which differs on every render.
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", out_of_scope.content.decode()) == token.sub("", missing.content.decode())


@pytest.mark.django_db
def test_500_is_french(debug):
    client = Client(raise_request_exception=False)
    assert_french_page(client.get("/boom/"), 500, "Erreur inattendue")


@pytest.mark.django_db
def test_400_is_french(debug):
    client = Client(raise_request_exception=False)
    assert_french_page(client.get("/bad/"), 400, "Requête incorrecte")


@pytest.mark.django_db
def test_a_page_of_its_own_with_status_400_is_left_alone(client, debug):
    response = client.get("/form/")
    assert response.status_code == 400
    assert response.content == b"<p>Le motif est obligatoire.</p>"


@pytest.mark.django_db
def test_csrf_failure_is_french(debug):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/connexion/", {"username": "x@example.test", "password": "x"})
    assert_french_page(response, 403, "Session expirée")


def test_403_page_is_french(rf, settings):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    settings.ROOT_URLCONF = __name__
    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    response.status_code = 403
    assert_french_page(response, 403, "Accès refusé")
