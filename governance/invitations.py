"""Invitations to a meeting: an e-mail to each invited organisation with an .ics attachment.

The e-mail names the committee, the date and the place, and links to the meeting page; it carries
no personal data. The meeting's latest ready pack ("dossier de séance", PDF and XLSX: aggregated
figures) is attached. Sent after the commit of the request that asked for it.
"""

import datetime as dt
import logging
import uuid

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from effects.outbox import EffectTask, enqueue

from .models import Meeting
from .packs.actions import latest_ready

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

logger = logging.getLogger(__name__)

MEETING_LENGTH = dt.timedelta(hours=2)


def _text(value):
    """Text for an iCalendar property: every kind of line break is one newline, which the
    library escapes (a place or an agenda cannot add lines to the invitation)."""
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def ics(meeting, url=""):
    """The meeting as an iCalendar event (text), built by the ``icalendar`` library."""
    agreement = meeting.committee.agreement
    description = meeting.agenda or ""
    if url:
        description = f"{description}\n\n{url}".strip()
    calendar = Calendar()
    calendar.add("prodid", "-//Passerelle//Gouvernance//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@passerelle")
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", meeting.date.astimezone(dt.UTC))
    event.add("dtend", (meeting.date + MEETING_LENGTH).astimezone(dt.UTC))
    event.add("summary", _text(f"{meeting.committee.get_kind_display()} — {agreement.title}"))
    event.add("location", _text(meeting.place))
    event.add("description", _text(description))
    event.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical().decode()


def recipients(meeting):
    return sorted(
        {email for email in meeting.invited.values_list("notification_email", flat=True) if email}
    )


def send_invitations(meeting_id, base_url=""):
    """Send the invitation now (call it after commit). Returns the number of e-mails sent."""
    meeting = Meeting.objects.select_related("committee__agreement").get(pk=meeting_id)
    url = base_url + reverse("governance:meeting_detail", args=[meeting.pk])
    local = timezone.localtime(meeting.date)
    subject = _("Invitation : %(committee)s du %(date)s") % {
        "committee": meeting.committee.get_kind_display(),
        "date": local.strftime("%d/%m/%Y"),
    }
    body = _(
        "Votre organisation est invitée à la réunion du %(committee)s de l'accord « %(title)s », "
        "le %(date)s à %(time)s, lieu : %(place)s.\n\nOrdre du jour et documents : %(url)s\n\n"
        "L'invitation est jointe au format agenda (.ics)."
    ) % {
        "committee": meeting.committee.get_kind_display(),
        "title": meeting.committee.agreement.title,
        "date": local.strftime("%d/%m/%Y"),
        "time": local.strftime("%H:%M"),
        "place": meeting.place,
        "url": url,
    }
    pack = latest_ready(meeting)
    attachments = []
    if pack is not None:
        body += "\n\n" + _("Le dossier de séance est joint (PDF et tableur).")
        for field, kind in (("pdf", "application/pdf"), ("xlsx", XLSX)):
            with getattr(pack, field).open("rb") as document:
                attachments.append((f"dossier-de-seance.{field}", document.read(), kind))
    sent = 0
    for address in recipients(meeting):
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        message.attach("invitation.ics", ics(meeting, url), "text/calendar; charset=utf-8")
        for attachment in attachments:
            message.attach(*attachment)
        sent += message.send()
    logger.info("meeting %s: %s invitations sent", meeting.pk, sent)
    return sent


@shared_task(name="governance.tasks.send_meeting_invitations", base=EffectTask)
def send_meeting_invitations(meeting_id, base_url=""):
    return send_invitations(meeting_id, base_url)


def queue_invitations(meeting_id, base_url=""):
    """Writes the sending of the invitations in the outbox (sent after commit, retried)."""
    enqueue(
        send_meeting_invitations,
        [meeting_id, base_url],
        key=f"meeting-{meeting_id}-invitations-{uuid.uuid4().hex}",
    )
