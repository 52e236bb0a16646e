"""The monthly digest of news (art. 6): on the first of each month (beat), one e-mail per person
who has news of the past month addressed to their organisation and did not opt out. Each goes
through the outbox (one effect per person and month: a second run sends nothing twice). The
e-mail lists titles, publishing organisations and a link: no personal data."""

from datetime import date

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import months_before
from effects.outbox import EffectTask, enqueue
from partners.models import User

from .models import DigestOptOut, News


def previous_month(today=None):
    first = (today or timezone.localdate()).replace(day=1)
    start = months_before(first, 1)
    return start.year, start.month


def _month_news(user, year, month):
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    return News.objects.visible_to(user).filter(
        published_at__date__gte=start, published_at__date__lt=end
    )


@shared_task(name="governance.tasks.send_news_digests")
def send_news_digests(today=None):
    """Beat task: queues the digest of the previous month for every person concerned."""
    today = date.fromisoformat(today) if today else None
    year, month = previous_month(today)
    departments = set(
        News.objects.filter(published_at__year=year, published_at__month=month).values_list(
            "department_id", flat=True
        )
    )
    people = (
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__organisation__department_id__in=departments,
        )
        .exclude(pk__in=DigestOptOut.objects.values("user"))
        .distinct()
        .values_list("pk", flat=True)
    )
    queued = 0
    for user_id in people:
        enqueue(
            send_news_digest, [user_id, year, month], key=f"news-digest-{user_id}-{year}-{month}"
        )
        queued += 1
    return queued


@shared_task(base=EffectTask, name="governance.tasks.send_news_digest")
def send_news_digest(user_id, year, month):
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or DigestOptOut.objects.filter(user=user).exists():
        return 0
    news = list(_month_news(user, year, month).select_related("author_organisation"))
    if not news:
        return 0
    link = settings.SITE_URL.rstrip("/") + reverse("governance:news_list")
    lines = [f"- {item.title} ({item.author_organisation.name})" for item in news]
    body = _(
        "Bonjour,\n\nLes actualités du partenariat publiées en %(month)02d/%(year)s :\n\n"
        "%(items)s\n\nLes lire sur Passerelle : %(link)s\n\nPour ne plus recevoir cette lettre, "
        "décochez-la sur la page des actualités.\n\n— Passerelle\n"
    ) % {"month": month, "year": year, "items": "\n".join(lines), "link": link}
    return send_mail(
        _("Passerelle : les actualités du partenariat"),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )
