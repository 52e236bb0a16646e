"""The one "reached" rule of the action plan: page, CSV/XLSX and bilan PDF agree."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from governance import plan, statistics
from governance.bilan import snapshot
from governance.models import Action, AnnualReport, Indicator, IndicatorYear
from governance.statistics.presentation import FIGURE_LABELS

from .conftest import YEAR
from .factories import AgreementFactory, AxisFactory

NAME = str(FIGURE_LABELS["median_days_to_answer"])


def test_a_ceiling_is_reached_below_it():
    assert plan.reached(4.1, 10, lower_is_better=True) is True
    assert plan.reached(12, 10, lower_is_better=True) is False
    assert plan.reached(4.1, 10) is False
    assert plan.reached("< 5", 10) is None
    assert plan.verdict(None, 10) == plan.Verdict.UNKNOWN


@pytest.fixture
def ceiling_indicator(paris, orgs, monkeypatch):
    """A median answer time of 4.1 days against a ceiling of 10 days."""
    agreement = AgreementFactory(department=paris)
    action = Action.objects.create(
        agreement=agreement,
        axis=AxisFactory(agreement=agreement),
        title="Répondre vite",
        lead_organisation=orgs["ofii"],
        starts_on=dt.date(2024, 1, 1),
    )
    indicator = Indicator.objects.create(
        action=action, name=NAME, source="computed", statistic="median_days_to_answer"
    )
    IndicatorYear.objects.create(indicator=indicator, year=YEAR, target=10)
    compute = statistics.compute

    def with_median(*args, **kwargs):
        figures = compute(*args, **kwargs)
        figures["median_days_to_answer"] = 4.1
        return figures

    monkeypatch.setattr(statistics, "compute", with_median)
    return indicator


@pytest.mark.django_db
def test_page_spreadsheets_and_pdf_agree_on_a_ceiling(client, prefecture, ceiling_indicator):
    agreement = ceiling_indicator.action.agreement
    client.force_login(prefecture)
    url = f"/gouvernance/accords/{agreement.pk}/plan-d-actions"

    page = client.get(f"{url}/?year={YEAR}").content.decode()
    cell = page.split(f'data-testid="verdict-{ceiling_indicator.pk}">')[1].split("</td>")[0]
    assert "Atteint" in cell and "Non atteint" not in cell
    assert NAME in page

    csv_text = client.get(f"{url}.csv?year={YEAR}").content.decode("utf-8-sig")
    csv_row = next(line for line in csv_text.splitlines() if NAME in line)
    assert csv_row.split(";")[-1] == "Atteint" and "4.1" in csv_row

    sheet = load_workbook(io.BytesIO(client.get(f"{url}.xlsx?year={YEAR}").content)).active
    xlsx_row = next(row for row in sheet.iter_rows(values_only=True) if row[2] == NAME)
    assert xlsx_row[-1] == "Atteint"

    report = AnnualReport(agreement=agreement, year=YEAR, version=1)
    printed = snapshot.collect(report)["actions"][0]["indicators"][0]
    assert (printed["name"], printed["verdict"], printed["reached"]) == (NAME, "Atteint", True)
    assert printed["value"] == 4.1
