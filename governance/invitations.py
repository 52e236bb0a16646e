"""Invitations to a meeting: an e-mail to each invited organisation with an .ics attachment.

The e-mail names the committee, the date and the place, and links to the meeting page; it carries
no personal data. Sent after the commit of the request that asked for it.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Meeting

logger = logging.getLogger(__name__)

MEETING_LENGTH = dt.timedelta(hours=2)


def _escape(text):
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line):
    """RFC 5545: lines of at most 75 octets, continued with a space."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _utc(moment):
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def ics(meeting, url=""):
    """The meeting as an iCalendar event (text)."""
    agreement = meeting.committee.agreement
    description = meeting.agenda or ""
    if url:
        description = f"{description}\n\n{url}".strip()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Passerelle//Gouvernance//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@passerelle",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(meeting.date)}",
        f"DTEND:{_utc(meeting.date + MEETING_LENGTH)}",
        f"SUMMARY:{_escape(f'{meeting.committee.get_kind_display()} — {agreement.title}')}",
        f"LOCATION:{_escape(meeting.place)}",
        f"DESCRIPTION:{_escape(description)}",
        "STATUS:" + ("CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED"),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


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
    sent = 0
    for address in recipients(meeting):
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        message.attach("invitation.ics", ics(meeting, url), "text/calendar; charset=utf-8")
        sent += message.send()
    logger.info("meeting %s: %s invitations sent", meeting.pk, sent)
    return sent


def send_invitations_on_commit(meeting_id, base_url=""):
    transaction.on_commit(lambda: send_invitations(meeting_id, base_url))
