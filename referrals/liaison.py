"""The partner printed on the person's liaison sheet (``beneficiaries.liaison``): the partner of
their latest open referral, or, before any referral, the recommended one."""

from .models import Referral
from .recommendation import recommend


def partner_source(beneficiary, user):
    referral = (
        Referral.objects.visible_to(user)
        .open()
        .filter(beneficiary=beneficiary)
        .select_related("to_organisation", "service_offer")
        .order_by("-sent_at")
        .first()
    )
    offer = None
    if referral is not None:
        organisation, offer, appointment_at = (
            referral.to_organisation,
            referral.service_offer,
            referral.appointment_at,
        )
    else:
        membership = user.active_membership
        rows = recommend(beneficiary, membership.organisation) if membership else []
        if not rows:
            return None
        organisation, _recommended, offers = rows[0]
        offer = offers[0] if offers else None
        appointment_at = None
    return {
        "name": organisation.name,
        "address": organisation.address,
        "kind": organisation.kind,
        "how_to_register": offer.how_to_register if offer else "",
        "appointment_at": appointment_at,
    }
