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
    NotificationKind.ACCEPTED: (
        gettext_noop("[Passerelle] Orientation acceptée"),
        gettext_noop(
            "Bonjour,\n\nUne orientation que vous avez envoyée a été acceptée par le partenaire.\n"
            "Le détail :\n%(link)s\n\n— Passerelle\n"
        ),
    ),
    NotificationKind.STARTED: (
        gettext_noop("[Passerelle] Premier rendez-vous tenu"),
        gettext_noop(
            "Bonjour,\n\nLe premier rendez-vous d'une personne que vous avez orientée a eu lieu : "
            "son accompagnement a commencé.\nLe détail :\n%(link)s\n\n— Passerelle\n"
        ),
    ),
    NotificationKind.CLOSED: (
        gettext_noop("[Passerelle] Accompagnement clôturé"),
        gettext_noop(
            "Bonjour,\n\nLe partenaire a clôturé l'accompagnement d'une personne que vous avez "
            "orientée et indiqué son issue.\nLe détail :\n%(link)s\n\n— Passerelle\n"
        ),
    ),
    NotificationKind.ESCALATED: (
        gettext_noop("[Passerelle] Orientation sans réponse"),
        gettext_noop(
            "Bonjour,\n\nUne orientation que vous avez envoyée est toujours sans réponse, bien "
            "après le délai prévu par l'accord. Elle est signalée « sans réponse » à la préfecture ; "
            "vous pouvez relancer le partenaire, l'annuler ou réorienter la personne :\n%(link)s\n\n"
            "— Passerelle\n"
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


@shared_task(base=EffectTask)
def notify_assigned(user_id, referral_ids):
    """The counsellor a referral was assigned to (unless they opted out)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or not _wants(user, NotificationKind.ASSIGNED):
        return 0
    links = "\n".join(referral_link(pk) for pk in sorted(referral_ids))
    body = _(
        "Bonjour,\n\n%(count)s orientation(s) vous ont été attribuée(s) sur Passerelle :\n"
        "%(links)s\n\n— Passerelle\n"
    ) % {"count": len(referral_ids), "links": links}
    return send_mail(
        _("[Passerelle] Orientation attribuée"), body, settings.DEFAULT_FROM_EMAIL, [user.email]
    )


def _message_recipients(message):
    """To the sender's side: the person who sent the referral. To the receiver's side: the
    assigned counsellor, else the organisation (its shared address, or its members)."""
    referral = message.referral
    kind = NotificationKind.NEW_MESSAGE
    if message.organisation_id == referral.to_organisation_id:
        sender = referral.sender
        return [sender.email] if _wants(sender, kind) else []
    if referral.assigned_to_id and referral.assigned_to_id != message.author_id:
        counsellor = referral.assigned_to
        return [counsellor.email] if _wants(counsellor, kind) else []
    return [
        email
        for email in _organisation_recipients(referral.to_organisation, kind)
        if email != message.author.email
    ]


@shared_task(base=EffectTask)
def notify_new_message(message_id):
    from .models import Message

    message = (
        Message.objects.select_related(
            "author", "referral__sender", "referral__assigned_to", "referral__to_organisation"
        )
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return 0
    recipients = _message_recipients(message)
    if not recipients:
        return 0
    body = _(
        "Bonjour,\n\nUn nouveau message a été écrit sur une orientation suivie par votre "
        "organisation. Pour le lire :\n%(link)s\n\n— Passerelle\n"
    ) % {"link": referral_link(message.referral_id) + "#fil"}
    return send_mail(
        _("[Passerelle] Nouveau message"), body, settings.DEFAULT_FROM_EMAIL, recipients
    )


# --- Beat tasks: escalation, reminders to the person, documents' erasure --------------------


def escalation_working_days():
    return getattr(settings, "REFERRAL_ESCALATION_WORKING_DAYS", 10)


@shared_task
def escalate_unanswered(now=None):
    """Beat task: a referral still awaiting an answer N working days after its deadline
    (``REFERRAL_ESCALATION_WORKING_DAYS``, default 10, on the department's calendar) is flagged
    ``escalated_at`` once, and its sender is told. Nothing expires: the partner may still answer."""
    from .deadlines import add_working_days

    now = now or timezone.now()
    today = timezone.localdate(now)
    days = escalation_working_days()
    # N working days are at least N calendar days: a cheap first cut, then the calendar.
    candidates = (
        Referral.objects.awaiting_answer()
        .filter(escalated_at__isnull=True, answer_due_at__lt=now - timedelta(days=days))
        .values_list("pk", "answer_due_at", "to_organisation__department__code")
    )
    due = [
        pk
        for pk, answer_due_at, department in candidates
        if add_working_days(timezone.localdate(answer_due_at), days, department) < today
    ]
    with transaction.atomic():
        ids = list(
            Referral.objects.awaiting_answer()
            .select_for_update(skip_locked=True)
            .filter(pk__in=due, escalated_at__isnull=True)
            .values_list("pk", flat=True)
        )
        Referral.objects.filter(pk__in=ids).update(escalated_at=now)
        for pk in ids:
            enqueue(
                notify_sender,
                [pk, NotificationKind.ESCALATED.value],
                key=f"referral-{pk}-escalated",
            )
    return len(ids)


PERSON_REMINDER_DAYS = 2


@shared_task
def remind_people(now=None):
    """Beat task: two days before the first appointment, the person (where the file has an
    e-mail address and reminders are on) gets a reminder; ``person_reminder_sent_at`` claims it
    (once per referral) and shows the counsellor it was sent."""
    now = now or timezone.now()
    day = timezone.localdate(now) + timedelta(days=PERSON_REMINDER_DAYS)
    with transaction.atomic():
        ids = list(
            Referral.objects.select_for_update(skip_locked=True)
            .filter(
                status="accepted",
                appointment_at__date=day,
                person_reminder_sent_at__isnull=True,
                beneficiary__appointment_reminders=True,
                beneficiary__anonymised_at__isnull=True,
            )
            .exclude(beneficiary__email="")
            .values_list("pk", flat=True)
        )
        Referral.objects.filter(pk__in=ids).update(person_reminder_sent_at=now)
        for pk in ids:
            enqueue(send_person_reminder, [pk], key=f"referral-{pk}-person-reminder")
    return len(ids)


@shared_task(base=EffectTask)
def send_person_reminder(referral_id):
    """Plain French, to the person: the partner, its address, the date and what to bring. No
    reason, no status, nothing about the person's situation."""
    referral = (
        Referral.objects.select_related("beneficiary", "to_organisation")
        .filter(pk=referral_id, status="accepted")
        .first()
    )
    if referral is None or not referral.beneficiary.email or referral.appointment_at is None:
        return 0
    when = timezone.localtime(referral.appointment_at)
    body = _(
        "Bonjour,\n\nVous avez rendez-vous le %(date)s à %(time)s avec %(partner)s.\n"
        "Adresse : %(address)s\n\n"
        "Pensez à apporter : votre titre de séjour, votre CV si vous en avez un, vos diplômes ou "
        "attestations de formation.\n\n"
        "Si vous ne pouvez pas venir, prévenez %(partner)s.\n\n"
        "Ce message est envoyé automatiquement, merci de ne pas y répondre.\n"
    ) % {
        "date": when.strftime("%d/%m/%Y"),
        "time": when.strftime("%H:%M"),
        "partner": referral.to_organisation.name,
        "address": " ".join(referral.to_organisation.address.split()) or "—",
    }
    return send_mail(
        _("Rappel : votre rendez-vous du %(date)s") % {"date": when.strftime("%d/%m/%Y")},
        body,
        settings.DEFAULT_FROM_EMAIL,
        [referral.beneficiary.email],
    )


@shared_task
def erase_expired_documents():
    """Beat task: ``messaging.erase_expired_documents`` (6 months after the end, by default)."""
    from .messaging import erase_expired_documents as erase

    return erase()
