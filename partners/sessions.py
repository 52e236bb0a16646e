"""Session limits: 30 minutes without a request, 12 hours after sign-in (settings).

Beyond either, the session is flushed server-side and the person signs in again.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

from .signals import LAST_SEEN_KEY, SESSION_STARTED_KEY

# The last-seen time is written at most once a minute (one session save, not one per request).
LAST_SEEN_PRECISION = 60


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            session = request.session
            started = session.setdefault(SESSION_STARTED_KEY, now)
            last_seen = session.get(LAST_SEEN_KEY, now)
            if (
                now - last_seen > settings.SESSION_IDLE_SECONDS
                or now - started > settings.SESSION_ABSOLUTE_SECONDS
            ):
                logout(request)  # flushes the session in the store, not only the cookie
                messages.info(request, _("Votre session a expiré. Reconnectez-vous."))
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect_to_login(request.path)
            if now - session.get(LAST_SEEN_KEY, 0) >= LAST_SEEN_PRECISION:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)
