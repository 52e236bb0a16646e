"""SVG charts: well-formed, accessible, honest about masked values."""

import xml.etree.ElementTree as ET

from governance.statistics.charts import bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_bar_chart_is_well_formed_and_labelled():
    svg = bar_chart(
        "Orientations par partenaire",
        ["L'association d'aide aux primo-arrivants", "Cap emploi"],
        {"Envoyées": [12, "< 5"], "Acceptées": ["≥ 5", 0]},
        desc="Barres",
    )
    root = ET.fromstring(str(svg))  # noqa: S314 (our own output)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == desc_id
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "< 5" in texts and "≥ 5" in texts


def test_line_chart_breaks_on_masked_values():
    svg = line_chart("Par mois", ["janv.", "févr.", "mars"], {"CIR": [10, "< 5", 12]})
    root = ET.fromstring(str(svg))  # noqa: S314 (our own output)
    assert len(list(root.iter(f"{SVG}circle"))) == 2
    assert not list(root.iter(f"{SVG}polyline"))  # no line drawn across a masked month
