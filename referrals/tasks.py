"""E-mails of the referrals app, queued through the outbox (effects.outbox.enqueue) and sent by
Celery, once each, retried with backoff while the SMTP server refuses. Tasks take ids.

Every e-mail is plain text with a link and carries no personal data: no name, no file number,
only the referral's identifier inside the link (opening it requires signing in and the scope).
"""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from effects.outbox import EffectTask, enqueue
from partners.models import User

from .models import NotificationKind, NotificationOptOut, Referral

REMINDER_PERIOD = timedelta(days=7)


def referral_link(referral_id):
    return settings.SITE_URL + reverse("referrals:detail", args=[referral_id])


def _organisation_recipients(organisation, kind):
    """The organisation's notification address; without one, its members who did not opt out."""
    if organisation.notification_email:
        return [organisation.notification_email]
    return list(
        User.objects.filter(
            memberships__organisation=organisation, memberships__is_active=True, is_active=True
        )
        .exclude(notification_opt_outs__kind=kind)
        .values_list("email", flat=True)
    )


def _wants(user, kind):
    return user.is_active and not NotificationOptOut.objects.filter(user=user, kind=kind).exists()


@shared_task(base=EffectTask)
def notify_new_referral(referral_id):
    referral = Referral.objects.select_related("to_organisation").filter(pk=referral_id).first()
    if referral is None:
        return 0
    recipients = _organisation_recipients(referral.to_organisation, NotificationKind.NEW_REFERRAL)
    if not recipients:
        return 0
    body = _(
        "Bonjour,\n\nUne nouvelle orientation a été adressée à votre organisation sur Passerelle.\n"
        "Merci d'y répondre avant le %(due)s :\n%(link)s\n\n— Passerelle\n"
    ) % {
        "due": timezone.localtime(referral.answer_due_at).strftime("%d/%m/%Y"),
        "link": referral_link(referral.pk),
    }
    return send_mail(
        _("[Passerelle] Nouvelle orientation à traiter"),
        body,
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )


SENDER_MESSAGES = {
    NotificationKind.REFUSED: (
        gettext_noop("[Passerelle] Orientation refusée"),
        gettext_noop(
            "Bonjour,\n\nUne orientation que vous avez envoyée a été refusée par le partenaire.\n"
            "Vous pouvez réorienter la personne :\n%(link)s\n\n— Passerelle\n"
        ),
    ),
    NotificationKind.REDIRECTED: (
        gettext_noop("[Passerelle] Orientation réorientée"),
        gettext_noop(
            "Bonjour,\n\nUne orientation que vous avez envoyée a été réorientée par le partenaire vers "
            "un autre partenaire.\nLe détail :\n%(link)s\n\n— Passerelle\n"
        ),
    ),
}


@shared_task(base=EffectTask)
def notify_sender(referral_id, kind):
    referral = Referral.objects.select_related("sender").filter(pk=referral_id).first()
    if referral is None or not _wants(referral.sender, kind):
        return 0
    subject, body = SENDER_MESSAGES[kind]
    return send_mail(
        _(subject),
        _(body) % {"link": referral_link(referral.pk)},
        settings.DEFAULT_FROM_EMAIL,
        [referral.sender.email],
    )


@shared_task
def send_overdue_reminders():
    """Beat task: claims the overdue referrals whose reminder is due (never reminded, or last
    reminded a week ago or more) by stamping ``last_reminder_at``, then queues one e-mail per
    receiving organisation. A run twice in a period finds nothing left to claim."""
    now = timezone.now()
    due = Referral.objects.overdue(now).filter(
        Q(last_reminder_at__isnull=True) | Q(last_reminder_at__lte=now - REMINDER_PERIOD)
    )
    with transaction.atomic():
        rows = list(due.select_for_update(skip_locked=True).values_list("pk", "to_organisation_id"))
        Referral.objects.filter(pk__in=[pk for pk, _org in rows]).update(last_reminder_at=now)
        by_organisation = {}
        for pk, organisation_id in rows:
            by_organisation.setdefault(organisation_id, []).append(pk)
        for organisation_id, ids in by_organisation.items():
            enqueue(
                send_reminder,
                [organisation_id, ids],
                key=f"reminder-{organisation_id}-{now.isoformat()}",
            )
    return len(rows)


@shared_task(base=EffectTask)
def send_reminder(organisation_id, referral_ids):
    from partners.models import Organisation

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    recipients = _organisation_recipients(organisation, NotificationKind.REMINDER)
    if not recipients:
        return 0
    links = "\n".join(referral_link(pk) for pk in sorted(referral_ids))
    body = _(
        "Bonjour,\n\n%(count)s orientation(s) adressée(s) à votre organisation attendent une "
        "réponse au-delà du délai prévu par l'accord.\nMerci d'y répondre :\n%(links)s\n\n"
        "Toutes vos orientations en retard :\n%(inbox)s\n\n— Passerelle\n"
    ) % {
        "count": len(referral_ids),
        "links": links,
        "inbox": settings.SITE_URL + reverse("referrals:inbox") + "?overdue=1",
    }
    return send_mail(
        _("[Passerelle] Relance : orientations en attente de réponse"),
        body,
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )
