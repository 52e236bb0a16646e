"""The referrals' entries on the beneficiary timeline (registered in ``apps.ready``)."""

from datetime import datetime, time

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beneficiaries.timeline import Entry

from .models import Document, FollowUp, Referral, ReferralEvent, Status

BADGES = {
    Status.PENDING: "new",
    Status.UNDER_REVIEW: "new",
    Status.ACCEPTED: "info",
    Status.IN_PROGRESS: "info",
    Status.CLOSED: "success",
    Status.REFUSED: "warning",
    Status.REDIRECTED: "warning",
    Status.CANCELLED: "",
}

# The place of each step in the path, for entries at the same moment (a follow-up recorded
# by date only sits at midnight, after the transitions of the day before it in the path).
ORDER = {
    "sent": 30,
    Status.UNDER_REVIEW: 35,
    Status.ACCEPTED: 40,
    Status.REFUSED: 40,
    Status.REDIRECTED: 40,
    Status.CANCELLED: 40,
    "assigned": 45,
    Status.IN_PROGRESS: 50,
    "follow_up": 60,
    "message": 70,
    Status.CLOSED: 90,
}

EVENT_TITLES = {
    Status.UNDER_REVIEW: gettext_lazy("Orientation mise à l'étude par %(org)s"),
    Status.ACCEPTED: gettext_lazy("Orientation acceptée par %(org)s"),
    Status.REFUSED: gettext_lazy("Orientation refusée par %(org)s"),
    Status.REDIRECTED: gettext_lazy("Orientation réorientée par %(org)s"),
    Status.CANCELLED: gettext_lazy("Orientation annulée"),
    Status.IN_PROGRESS: gettext_lazy("Premier rendez-vous tenu chez %(org)s"),
    Status.CLOSED: gettext_lazy("Accompagnement clôturé par %(org)s"),
}


def follow_up_moment(follow_up):
    """When it was recorded, if on the day it happened (the real time); else that day's midnight."""
    created = timezone.localtime(follow_up.created_at)
    if created.date() == follow_up.happened_on:
        return follow_up.created_at
    return timezone.make_aware(datetime.combine(follow_up.happened_on, time(0)))


def source(beneficiary, user):
    """Four queries: the referrals the viewer may see, their events, their follow-ups, their
    documents."""
    referrals = (
        Referral.objects.visible_to(user)
        .filter(beneficiary=beneficiary)
        .select_related("to_organisation")
        .prefetch_related(
            Prefetch("events", queryset=ReferralEvent.objects.order_by("at", "pk")),
            Prefetch("follow_ups", queryset=FollowUp.objects.select_related("organisation")),
            Prefetch("documents", queryset=Document.objects.select_related("organisation")),
        )
    )
    for referral in referrals:
        url = reverse("referrals:detail", args=[referral.pk])
        org = referral.to_organisation.name
        status_label = referral.get_status_display()
        badge = "error" if referral.is_overdue else BADGES[referral.status]
        for event in referral.events.all():
            if not event.from_status:
                yield Entry(
                    at=event.at,
                    kind="referral",
                    title=_("Orientation envoyée à %(org)s") % {"org": org},
                    detail=_("%(reason)s — état actuel : %(status)s")
                    % {"reason": referral.reason, "status": status_label},
                    url=url,
                    badge=badge,
                    order=ORDER["sent"],
                )
                continue
            if event.kind == ReferralEvent.Kind.ASSIGNED:
                yield Entry(
                    at=event.at,
                    kind="referral_event",
                    title=_("Conseiller référent désigné chez %(org)s") % {"org": org},
                    url=url,
                    order=ORDER["assigned"],
                )
                continue
            title = str(EVENT_TITLES[event.to_status]) % {"org": org}
            detail = event.comment
            if event.to_status == Status.REFUSED:
                detail = referral.get_refusal_reason_display() + (
                    f" : {event.comment}" if event.comment else ""
                )
            elif event.to_status == Status.ACCEPTED and referral.appointment_at:
                detail = _("Rendez-vous prévu le %(at)s") % {
                    "at": timezone.localtime(referral.appointment_at).strftime("%d/%m/%Y %H:%M")
                }
            elif event.to_status == Status.CLOSED:
                detail = _("Issue : %(outcome)s") % {"outcome": referral.get_outcome_display()}
            yield Entry(
                at=event.at,
                kind="referral_event",
                title=title,
                detail=detail,
                url=url,
                badge=BADGES[event.to_status],
                order=ORDER[event.to_status],
            )
        for follow_up in referral.follow_ups.all():
            label = follow_up.get_kind_display()
            if follow_up.accompaniment:
                label += f" ({follow_up.get_accompaniment_display()})"
            yield Entry(
                at=follow_up_moment(follow_up),
                kind="follow_up",
                title=_("Suivi %(org)s : %(label)s")
                % {"org": follow_up.organisation.name, "label": label},
                detail=follow_up.comment,
                url=url,
                order=ORDER["follow_up"],
            )
        for document in referral.documents.all():
            yield Entry(
                at=document.uploaded_at,
                kind="document",
                title=_("Document déposé par %(org)s : %(kind)s")
                % {"org": document.organisation.name, "kind": document.get_kind_display()},
                detail=_("effacé le %(date)s")
                % {"date": timezone.localtime(document.erased_at).strftime("%d/%m/%Y")}
                if document.erased_at
                else "",
                url=url + "#fil",
                order=ORDER["message"],
            )
