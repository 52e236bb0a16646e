"""Signed-in test clients for the tests and the bench: a session past the second factor, as a
person who typed their code (the second factor itself is tested through the real pages,
tests/security/test_second_factor.py). Development only, like the rest of devdata."""


def totp_device(user):
    """The person's confirmed TOTP device (made if missing)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)


def verify_session(client, user):
    """Marks a test client's session as having passed the second factor, when ``user`` has or
    needs one."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from partners import second_factor

    if not (second_factor.is_required(user) or second_factor.has_device(user)):
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()
