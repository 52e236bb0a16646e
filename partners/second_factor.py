"""The second factor (django-otp): TOTP, with recovery codes (HOUSE.md: one door per change).

Required for platform admins, coordinators (préfecture, DDETS) and anyone with access to the
admin; offered to everyone. Once a person has a confirmed device, each sign-in asks for a code
(``partners.middleware.SecondFactorMiddleware``).
"""

import io

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .roles import Role, role_of

REQUIRED_ROLES = {Role.PLATFORM_ADMIN, Role.COORDINATOR}
RECOVERY_CODES = 10
RECOVERY_DEVICE_NAME = "recovery"


def is_required(user):
    """Must this person verify a second factor before reaching any page?"""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or user.is_superuser or role_of(user) in REQUIRED_ROLES


def has_device(user):
    return user_has_device(user, confirmed=True)


def pending_totp(user):
    """The TOTP device being enrolled (created unconfirmed at the first visit)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    return device


def qr_svg(device):
    """The device's otpauth:// URL as an inline SVG (no script, no external image)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def new_recovery_codes(user):
    """Replaces the person's recovery codes; returns the new ones (shown once)."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        audit.event(audit.Action.SECOND_FACTOR, user=user, detail="recovery_codes")
    return codes


def confirm_enrolment(user, code):
    """Confirms the pending TOTP device with a first code; returns the recovery codes, or None
    when the code is wrong."""
    with transaction.atomic():
        device = pending_totp(user)
        if not device.verify_token((code or "").strip()):
            audit.event(audit.Action.SECOND_FACTOR, user=user, detail="enrol_failed")
            return None, None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        audit.event(audit.Action.SECOND_FACTOR, user=user, detail="enrolled")
    return device, new_recovery_codes(user)


def verify(user, code, *, channel="web"):
    """The confirmed device that accepts ``code`` (a TOTP code or a recovery code), or None.

    Each device throttles its own failures (django-otp's ThrottlingMixin)."""
    code = (code or "").strip().replace(" ", "")
    if code:
        for device in devices_for_user(user, confirmed=True):
            with transaction.atomic():
                allowed, _details = device.verify_is_allowed()
                if allowed and device.verify_token(code):
                    kind = "recovery" if isinstance(device, StaticDevice) else "totp"
                    audit.event(
                        audit.Action.SECOND_FACTOR,
                        user=user,
                        channel=channel,
                        detail=f"verified:{kind}",
                    )
                    return device
    audit.event(audit.Action.SECOND_FACTOR, user=user, channel=channel, detail="failed")
    return None
