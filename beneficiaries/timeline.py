"""One chronological path of a person: file, interviews, qualifications, and whatever the apps
above contribute (referrals and their events, follow-ups), so nobody asks twice.

Apps above ``beneficiaries`` must not be imported here: they register a *source* at start-up
(``AppConfig.ready``) instead. A source is ``source(beneficiary, user) -> iterable[Entry]`` and
only returns what ``user`` may see.
"""

from dataclasses import dataclass
from datetime import datetime

SOURCES = []


@dataclass(frozen=True)
class Entry:
    at: datetime  # aware datetime (a date is placed at midnight, local time)
    kind: str  # "file", "interview", "qualification", "referral", "referral_event", "follow_up"…
    title: str
    detail: str = ""
    url: str = ""
    badge: str = ""  # DSFR badge modifier: "success", "error", "warning", "info", "new" or ""
    order: int = 0  # the step's place in the path, for entries at the same moment


def register(source):
    """Adds a source of entries (usable as a decorator)."""
    if source not in SOURCES:
        SOURCES.append(source)
    return source


def timeline(beneficiary, user):
    """Every entry of every source, oldest first: by the real time of each entry (an entry known
    only by its date is placed at midnight), then by its place in the path (``order``)."""
    entries = []
    for source in SOURCES:
        entries.extend(source(beneficiary, user))
    return sorted(entries, key=lambda entry: (entry.at, entry.order))
