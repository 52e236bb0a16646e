import datetime
import html
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partners import actions
from partners.models import ApiToken, AuditEntry, Invitation, Membership, User
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory, member_of

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "un-mot-de-passe-solide-42"


def text(response):
    return html.unescape(response.content.decode())


def link_token(message):
    return re.search(r"/invitation/([\w-]+)/", message.body).group(1)


def invite(actor, organisation, email, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = actions.invite(actor, organisation, email, **kwargs)
    return invitation, link_token(mail.outbox[-1])


# --- Invitation -------------------------------------------------------------------------------


def test_invitation_mail_leaves_after_commit_with_a_link_and_nothing_personal(
    ofii, orgs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = actions.invite(ofii, orgs["ofii"], "Nouvelle.Auditrice@Example.test")
    assert mail.outbox == []  # not inside the transaction
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert message.to == ["nouvelle.auditrice@example.test"]
    assert re.search(r"http://\S+/invitation/[\w-]{40,}/", message.body)
    assert orgs["ofii"].name not in message.body
    assert ofii.last_name not in message.body
    assert invitation.token_digest not in message.body  # only a digest is stored
    assert AuditEntry.objects.filter(
        actor=ofii, object_type="invitation", object_id=str(invitation.pk)
    ).exists()


def test_accepting_creates_the_account_and_membership(
    client, ofii, orgs, django_capture_on_commit_callbacks
):
    invitation, token = invite(
        ofii, orgs["ofii"], "arrivee@example.test", django_capture_on_commit_callbacks
    )
    url = reverse("invitation_accept", args=[token])
    assert "arrivee@example.test" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "first_name": "Léa",
            "last_name": "Nouvel",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302 and response.url == reverse("login")
    user = User.objects.get(email="arrivee@example.test")
    assert user.check_password(NEW_PASSWORD) and user.is_active
    assert user.active_membership.organisation == orgs["ofii"]
    assert not user.active_membership.is_admin
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    # The link has served: it no longer works.
    assert client.get(url).status_code == 404


def test_expired_or_unknown_link_is_refused(client, ofii, orgs, django_capture_on_commit_callbacks):
    invitation, token = invite(
        ofii, orgs["ofii"], "tard@example.test", django_capture_on_commit_callbacks
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = client.get(reverse("invitation_accept", args=[token]))
    assert response.status_code == 404
    assert "n'est plus valable" in response.content.decode()
    assert client.get(reverse("invitation_accept", args=["inconnu"])).status_code == 404
    with pytest.raises(actions.MembershipError):
        actions.accept_invitation(token, password=NEW_PASSWORD)
    assert not User.objects.filter(email="tard@example.test").exists()


def test_weak_or_mismatched_password_is_refused_in_french(
    client, ofii, orgs, django_capture_on_commit_callbacks
):
    _invitation, token = invite(
        ofii, orgs["ofii"], "faible@example.test", django_capture_on_commit_callbacks
    )
    url = reverse("invitation_accept", args=[token])
    data = {"first_name": "A", "last_name": "B", "password1": "123", "password2": "123"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "trop court" in response.content.decode()
    data.update(password1=NEW_PASSWORD, password2=NEW_PASSWORD + "x")
    assert "ne correspondent pas" in client.post(url, data).content.decode()
    assert not User.objects.filter(email="faible@example.test").exists()


def test_a_person_active_elsewhere_cannot_accept(
    ofii, partner, orgs, django_capture_on_commit_callbacks
):
    _invitation, token = invite(
        ofii, orgs["ofii"], partner.email, django_capture_on_commit_callbacks
    )
    with pytest.raises(actions.MembershipError, match="déjà actif"):
        actions.accept_invitation(token, password=NEW_PASSWORD)
    assert partner.memberships.get(is_active=True).organisation == orgs["partner"]


def test_a_deactivated_person_can_be_invited_back(ofii, orgs, django_capture_on_commit_callbacks):
    former = member_of(orgs["ofii"])
    actions.deactivate(ofii, former.memberships.get())
    _invitation, token = invite(
        ofii, orgs["ofii"], former.email, django_capture_on_commit_callbacks
    )
    user = actions.accept_invitation(token, password=NEW_PASSWORD)
    assert user.pk == former.pk and user.is_active
    assert user.memberships.count() == 2  # the old one kept, deactivated


def test_inviting_a_current_member_is_refused(ofii, orgs):
    colleague = member_of(orgs["ofii"])
    with pytest.raises(actions.MembershipError, match="déjà membre"):
        actions.invite(ofii, orgs["ofii"], colleague.email.upper())


def test_only_admins_invite(france_travail, orgs):
    with pytest.raises(actions.MembershipError):
        actions.invite(france_travail, orgs["france_travail"], "x@example.test")
    assert not Invitation.objects.exists()


# --- Admin rights and deactivation ------------------------------------------------------------


def test_grant_and_remove_admin_write_audit_rows(ofii, orgs):
    colleague = member_of(orgs["ofii"])
    membership = colleague.memberships.get()
    actions.grant_admin(ofii, membership)
    membership.refresh_from_db()
    assert membership.is_admin
    actions.remove_admin(ofii, membership)
    membership.refresh_from_db()
    assert not membership.is_admin
    details = list(
        AuditEntry.objects.filter(object_type="membership", object_id=str(membership.pk))
        .order_by("at", "pk")
        .values_list("detail", flat=True)
    )
    assert details == ["grant_admin", "remove_admin"]


def test_the_last_admin_cannot_remove_themselves(client, ofii, orgs):
    own = ofii.memberships.get()
    with pytest.raises(actions.MembershipError, match="dernier administrateur"):
        actions.remove_admin(ofii, own)
    with pytest.raises(actions.MembershipError, match="dernier administrateur"):
        actions.deactivate(ofii, own)
    own.refresh_from_db()
    assert own.is_admin and own.is_active
    # Through the page: the same French message, nothing changed.
    client.force_login(ofii)
    response = client.post(
        reverse("member_deactivate", args=[orgs["ofii"].pk, own.pk]), follow=True
    )
    assert "dernier administrateur" in response.content.decode()
    own.refresh_from_db()
    assert own.is_active


def test_an_admin_may_step_down_when_another_admin_remains(ofii, orgs):
    other = member_of(orgs["ofii"], is_admin=True)
    actions.remove_admin(ofii, ofii.memberships.get())
    assert not ofii.memberships.get().is_admin
    assert other.memberships.get().is_admin


def test_deactivation_ends_sessions_and_tokens_at_the_next_request(client, api_as, ofii, orgs):
    colleague = member_of(orgs["ofii"])
    client.force_login(colleague)
    api = api_as(colleague)
    assert client.get(reverse("offer_list")).status_code == 200
    assert api.get("/api/v1/organisations/").status_code == 200

    membership = actions.deactivate(ofii, colleague.memberships.get())

    assert membership.deactivated_at is not None
    colleague.refresh_from_db()
    assert not colleague.is_active
    assert not ApiToken.objects.usable().filter(user=colleague).exists()
    # Page: signed out and sent to the login page.
    response = client.get(reverse("offer_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.get(reverse("offer_list")).status_code == 302
    # API: the token no longer authenticates.
    assert api.get("/api/v1/organisations/").status_code == 401
    # History stays: the membership is deactivated, not deleted.
    assert Membership.objects.filter(pk=membership.pk, is_active=False).exists()


def test_deactivated_member_whose_account_stays_active_is_still_refused(client, api_as, ofii, orgs):
    """Even if the account flag were left on, no active membership means no access (the
    middleware for pages, the capability check for the API)."""
    colleague = member_of(orgs["ofii"])
    client.force_login(colleague)
    api = api_as(colleague)
    Membership.objects.filter(user=colleague).update(is_active=False, deactivated_at=timezone.now())
    assert client.get(reverse("organisation_list")).status_code == 302
    assert api.get("/api/v1/organisations/").status_code == 404


def test_platform_admin_manages_any_organisation(platform_admin, orgs):
    counsellor = member_of(orgs["france_travail93"])
    actions.grant_admin(platform_admin, counsellor.memberships.get())
    assert counsellor.memberships.get().is_admin
    actions.deactivate(platform_admin, member_of(orgs["france_travail93"]).memberships.get())


# --- The members page -------------------------------------------------------------------------


def test_members_page_lists_members_and_invites(client, ofii, orgs):
    colleague = member_of(orgs["ofii"])
    client.force_login(ofii)
    url = reverse("member_list", args=[orgs["ofii"].pk])
    content = client.get(url).content.decode()
    assert colleague.email in content and ofii.email in content
    response = client.post(url, {"email": "pas-une-adresse"})
    assert "Saisissez une adresse" in response.content.decode()
    response = client.post(url, {"email": "recrue@example.test", "is_admin": "on"}, follow=True)
    assert "L'invitation a été envoyée" in text(response)
    assert Invitation.objects.get(email="recrue@example.test").is_admin


@pytest.mark.parametrize("persona", ["france_travail", "ofii93", "partner", "prefecture"])
def test_members_page_is_404_for_anyone_but_the_admins(client, request, persona, orgs, ofii):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    target = ofii.memberships.get()
    assert client.get(reverse("member_list", args=[orgs["ofii"].pk])).status_code == 404
    for name in ("member_grant_admin", "member_remove_admin", "member_deactivate"):
        assert client.post(reverse(name, args=[orgs["ofii"].pk, target.pk])).status_code == 404
    target.refresh_from_db()
    assert target.is_active and target.is_admin


def test_admin_of_one_organisation_cannot_reach_a_member_of_another(client, ofii, orgs):
    stranger = MembershipFactory(organisation=orgs["france_travail"])
    client.force_login(ofii)
    # The stranger's membership through one's own organisation's URL: 404.
    url = reverse("member_deactivate", args=[orgs["ofii"].pk, stranger.pk])
    assert client.post(url).status_code == 404
    stranger.refresh_from_db()
    assert stranger.is_active


def test_member_actions_need_post(client, ofii, orgs):
    client.force_login(ofii)
    colleague = member_of(orgs["ofii"]).memberships.get()
    url = reverse("member_deactivate", args=[orgs["ofii"].pk, colleague.pk])
    assert client.get(url).status_code == 405


def test_login_with_the_password_chosen_after_invitation(
    client, ofii, orgs, django_capture_on_commit_callbacks
):
    _invitation, token = invite(
        ofii, orgs["ofii"], "suite@example.test", django_capture_on_commit_callbacks, is_admin=True
    )
    actions.accept_invitation(token, password=NEW_PASSWORD, first_name="Ana", last_name="Suite")
    response = client.post(
        reverse("login"), {"username": "suite@example.test", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("member_list", args=[orgs["ofii"].pk])).status_code == 200
    assert PASSWORD != NEW_PASSWORD


def test_an_admin_stepping_down_lands_on_the_organisation_page(client, ofii, orgs):
    member_of(orgs["ofii"], is_admin=True)
    own = ofii.memberships.get()
    client.force_login(ofii)
    response = client.post(reverse("member_remove_admin", args=[orgs["ofii"].pk, own.pk]))
    assert response.url == reverse("organisation_detail", args=[orgs["ofii"].pk])
    assert client.get(reverse("member_list", args=[orgs["ofii"].pk])).status_code == 404
