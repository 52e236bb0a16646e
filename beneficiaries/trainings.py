"""French-training prescriptions tied to the trainings map (partners.TrainingOffer): the sessions
that fit a person, and the sessions' fill rate by funder."""

from django.db.models import F, Q, Sum
from django.utils import timezone

from partners.choices import FRENCH_LEVEL_RANK, FrenchLevel
from partners.models import TrainingOffer

FRENCH_KINDS = (TrainingOffer.Kind.FRENCH, TrainingOffer.Kind.FRENCH_VOCATIONAL)
# The funders whose fill rate the map shows first (the agreement's French-training funders).
MAIN_FUNDERS = (TrainingOffer.Funder.OFII, TrainingOffer.Funder.BOP104, TrainingOffer.Funder.OEPRE)


def levels_above(level):
    """CECRL levels strictly above ``level`` ("none" or blank: every level)."""
    rank = FRENCH_LEVEL_RANK.get(level or FrenchLevel.NONE, 0)
    return [code for code, r in FRENCH_LEVEL_RANK.items() if r > rank]


def open_sessions(user, today=None):
    """French sessions of the user's department not over yet, with places left (or uncounted)."""
    today = today or timezone.localdate()
    return (
        TrainingOffer.objects.visible_to(user)
        .filter(kind__in=FRENCH_KINDS, ends_on__gte=today)
        .filter(Q(places__isnull=True) | Q(places__gt=F("places_taken")))
    )


def fitting_sessions(user, beneficiary, level=None, today=None):
    """The sessions that fit a person: open, preparing a level above theirs (``level``: the one
    just tested, else the file's); those of the person's commune or employment area first."""
    level = level or beneficiary.french_level
    qs = open_sessions(user, today).filter(
        Q(target_level="") | Q(target_level__in=levels_above(level))
    )
    sessions = list(qs.order_by("starts_on", "title"))
    commune = (beneficiary.commune or "").strip().lower()

    def local(session):
        if not commune:
            return 1
        near = session.commune.lower() == commune or commune in session.employment_area.lower()
        return 0 if near else 1

    return sorted(sessions, key=local)


def session_label(session):
    places = (
        f" — {session.places_left} place(s) libre(s)" if session.places_left is not None else ""
    )
    area = f", {session.employment_area}" if session.employment_area else ""
    return (
        f"{session.title} ({session.target_level or '—'}, {session.hours} h) — {session.provider}, "
        f"{session.commune}{area} — {session.starts_on:%d/%m/%Y} → {session.ends_on:%d/%m/%Y}"
        f"{places}"
    )


def fill_rates(user):
    """[{funder, label, places, taken, rate}] for the sessions of the user's department that count
    their places: the OFII, BOP 104 and OEPRE first, then the other funders that have sessions."""
    labels = dict(TrainingOffer.Funder.choices)
    totals = {
        row["funder"]: row
        for row in TrainingOffer.objects.visible_to(user)
        .filter(places__isnull=False)
        .values("funder")
        .annotate(places_sum=Sum("places"), taken_sum=Sum("places_taken"))
        .order_by()
    }
    funders = list(MAIN_FUNDERS) + sorted(set(totals) - set(MAIN_FUNDERS))
    rows = []
    for funder in funders:
        row = totals.get(funder, {})
        places, taken = row.get("places_sum") or 0, row.get("taken_sum") or 0
        rows.append(
            {
                "funder": funder,
                "label": labels.get(funder, funder),
                "places": places,
                "taken": taken,
                "rate": round(100 * taken / places) if places else None,
            }
        )
    return rows
