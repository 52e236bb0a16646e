"""The referrals' entries on the beneficiary timeline (registered in ``apps.ready``)."""

from datetime import datetime, time

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beneficiaries.timeline import Entry

from .models import FollowUp, Referral, ReferralEvent, Status

BADGES = {
    Status.PENDING: "new",
    Status.ACCEPTED: "info",
    Status.IN_PROGRESS: "info",
    Status.CLOSED: "success",
    Status.REFUSED: "warning",
    Status.REDIRECTED: "warning",
    Status.CANCELLED: "",
}

EVENT_TITLES = {
    Status.ACCEPTED: gettext_lazy("Orientation acceptée par %(org)s"),
    Status.REFUSED: gettext_lazy("Orientation refusée par %(org)s"),
    Status.REDIRECTED: gettext_lazy("Orientation réorientée par %(org)s"),
    Status.CANCELLED: gettext_lazy("Orientation annulée"),
    Status.IN_PROGRESS: gettext_lazy("Premier rendez-vous tenu chez %(org)s"),
    Status.CLOSED: gettext_lazy("Accompagnement clôturé par %(org)s"),
}


def source(beneficiary, user):
    """Three queries: the referrals the viewer may see, their events, their follow-ups."""
    referrals = (
        Referral.objects.visible_to(user)
        .filter(beneficiary=beneficiary)
        .select_related("to_organisation")
        .prefetch_related(
            Prefetch("events", queryset=ReferralEvent.objects.order_by("at", "pk")),
            Prefetch("follow_ups", queryset=FollowUp.objects.select_related("organisation")),
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
            )
        for follow_up in referral.follow_ups.all():
            label = follow_up.get_kind_display()
            if follow_up.accompaniment:
                label += f" ({follow_up.get_accompaniment_display()})"
            yield Entry(
                at=timezone.make_aware(datetime.combine(follow_up.happened_on, time(12))),
                kind="follow_up",
                title=_("Suivi %(org)s : %(label)s")
                % {"org": follow_up.organisation.name, "label": label},
                detail=follow_up.comment,
                url=url,
            )
