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


def test_masked_counts_are_printed_as_such_and_drawn_as_empty_bars():
    columns, rows = bilan_pdf.table({"refugee": 12, "stateless": "< 5"})
    assert [row[1] for row in rows] == ["12", "< 5"]
    svg = bilan_pdf.charts_of({"outcomes": {"job_durable": 10, "lost_contact": "< 5"}})["outcomes"]
    assert svg.startswith("<svg") and 'stroke-dasharray="2 2"' in svg and "&lt; 5" in svg
    assert bilan_pdf.show(69.2, "acceptance_rate") == "69,2 %"
    assert bilan_pdf.show(1234) == "1\u202f234"
    assert bilan_pdf.label(3, "month") == "mars"
