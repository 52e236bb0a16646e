import importlib.util

import pytest

# Until the governance branch's statistics module is merged, the bilan renders this stand-in
# (same keys as the exchange format of DESIGN.md); once it is there, the real one is used.
HAS_STATISTICS = importlib.util.find_spec("governance.statistics") is not None

STAND_IN = {
    "department": "75",
    "year": 2025,
    "cir_signatories": 120,
    "interviews": 118,
    "oriented": 90,
    "dispensed": "< 5",
    "referrals_sent": 88,
    "referrals_accepted": 61,
    "referrals_refused": 12,
    "acceptance_rate": 0.69,
    "median_days_to_answer": 4.5,
    "median_days_to_first_appointment": 12,
    "overdue": "< 5",
    "outcomes": {"job_durable": 9, "training_language": 14, "lost_contact": "< 5"},
    "by_partner": {"France Travail Paris": 50, "Mission Locale Paris": 30, "Cap emploi": 8},
    "by_public": {"bpi": 40, "women": 52, "under_26": 30, "rqth": "< 5"},
    "by_permit_kind": {"family": 60, "refugee": 35, "work": 20, "stateless": "< 5"},
    "by_month": {f"2025-{m:02d}": 7 for m in range(1, 13)},
}


@pytest.fixture(autouse=True)
def _bilan_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _statistics_stand_in(monkeypatch):
    if not HAS_STATISTICS:
        monkeypatch.setattr(
            "governance.bilan_pdf.compute_statistics", lambda department, year: dict(STAND_IN)
        )
        monkeypatch.setattr(
            "governance.bilan_pdf.statistics_notes",
            lambda: "CIR signatories: people whose CIR was signed in the year.",
        )
