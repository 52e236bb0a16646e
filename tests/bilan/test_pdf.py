"""The PDF side: WeasyPrint reads the project's static files from disk and nothing else."""

import socket

import pytest

from governance.bilan import render as bilan_pdf

BASE = bilan_pdf.STATIC_BASE_URL


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError("network access during a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def test_the_fetcher_serves_the_stylesheet_and_the_fonts_from_disk():
    fetcher = bilan_pdf.make_url_fetcher()
    css = fetcher.fetch(BASE + "bilan/bilan.css")
    assert b"@page" in css.read() and css.content_type == "text/css"
    font = fetcher.fetch(BASE + "dsfr/dist/fonts/Marianne-Regular.woff")
    assert font.read(4) == b"wOFF" and font.content_type == "font/woff"
    assert fetcher.refused == []


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/style.css",
        "http://bilan.passerelle.invalid/static/bilan/bilan.css",
        "file:///etc/passwd",
        BASE + "../../etc/passwd",
        BASE + "bilan/../../config/settings.py",
        BASE + "bilan/missing.css",
        "data:text/css,body{}",
        "ftp://example.com/font.woff",
    ],
)
def test_the_fetcher_refuses_every_other_url(url, no_network):
    fetcher = bilan_pdf.make_url_fetcher()
    with pytest.raises(bilan_pdf.RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]
    assert no_network == []


def test_a_document_pointing_elsewhere_renders_without_touching_the_network(
    no_network, monkeypatch
):
    fetchers = []
    make = bilan_pdf.make_url_fetcher

    def spy():
        fetcher = make()
        fetchers.append(fetcher)
        return fetcher

    monkeypatch.setattr(bilan_pdf, "make_url_fetcher", spy)
    html = (
        '<html><head><link rel="stylesheet" href="bilan/bilan.css">'
        '<link rel="stylesheet" href="https://cdn.example.com/x.css"></head><body>'
        '<img src="http://tracker.example.com/pixel.png">'
        '<img src="file:///etc/hostname"><p>Bilan</p></body></html>'
    )
    pdf = bilan_pdf.render_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert sorted(fetchers[0].refused) == [
        "file:///etc/hostname",
        "http://tracker.example.com/pixel.png",
        "https://cdn.example.com/x.css",
    ]
    assert no_network == []


def test_one_font_configuration_is_shared():
    assert bilan_pdf.font_config() is bilan_pdf.font_config()


@pytest.mark.django_db
def test_masked_counts_are_printed_as_such_and_drawn_as_empty_bars(orgs):
    from governance import statistics
    from governance.statistics import presentation

    figures = statistics.compute(orgs["ofii"].department, 2025)
    figures["outcomes"].update(job_durable=10, lost_contact="< 5")
    printed = bilan_pdf.presentation({"statistics": figures})
    issues = next(b for b in printed["breakdowns"] if b["key"] == "issues")
    assert {"10", "< 5"} <= {row[1] for row in issues["rows"]}
    svg = str(issues["chart"])
    assert svg.startswith("<svg") and 'stroke-dasharray="2 2"' in svg and "&lt; 5" in svg
    # The PDF prints the statistics page's own tables: same titles, labels and months.
    page = presentation.tables(figures)
    assert [b["title"] for b in printed["breakdowns"]] == [t["title"] for t in page[1:]]
    assert [f["label"] for f in printed["key_figures"]] == [row[0] for row in page[0]["rows"]]
    months = next(b for b in printed["breakdowns"] if b["key"] == "mois")
    assert months["rows"][2][0] == presentation.MONTHS[2] == "mars"
    assert presentation.cell(69.2, "acceptance_rate") == "69,2 %"
    assert presentation.cell(1234) == "1\u202f234"
