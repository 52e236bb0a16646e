"""The skills assessment (2010 convention): the ROME reference list shipped with the app and the
labels of a person's target jobs and languages."""

import csv
from functools import cache
from pathlib import Path

from partners.choices import LANGUAGE_NAMES, LANGUAGES

ROME_FILE = Path(__file__).resolve().parent / "reference" / "rome.csv"
SKILLS_FIELDS = [
    "competences",
    "aptitudes",
    "motivations",
    "professional_project",
    "target_jobs",
    "languages",
]


@cache
def rome_labels():
    """{ROME code: label}, from the shipped reference list (public ROME labels)."""
    with ROME_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["label"] for row in csv.DictReader(handle, delimiter=";")}


def rome_choices():
    return [(code, f"{code} — {label}") for code, label in sorted(rome_labels().items())]


def language_choices():
    return list(LANGUAGES)


def target_jobs_display(codes):
    labels = rome_labels()
    return [f"{labels.get(code, code)} ({code})" for code in codes or ()]


def languages_display(codes):
    return [str(LANGUAGE_NAMES.get(code, code)) for code in codes or ()]
