import html
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partners import trainings
from partners.models import TrainingOffer

from .factories import TrainingOfferFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "partners" / "samples" / "trainings.csv"
HEADER = ";".join(trainings.COLUMNS)


def text(response):
    return html.unescape(response.content.decode())


def upload(client, content, name="formations.csv"):
    if isinstance(content, str):
        content = content.encode()
    return client.post(
        reverse("training_import"),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
        follow=True,
    )


def line(key="75-X-1", department="75", **overrides):
    values = {
        "key": key,
        "department": department,
        "provider": "GRETA",
        "title": "Français A2",
        "kind": "french",
        "target_level": "A2",
        "hours": "100",
        "certification": "DCL",
        "funder": "ofii",
        "commune": "Paris",
        "employment_area": "Paris",
        "starts_on": "2027-01-04",
        "ends_on": "2027-03-01",
        "places": "12",
    }
    values.update(overrides)
    return ";".join(values[column] for column in trainings.COLUMNS)


def test_sample_has_at_least_sixty_trainings_over_both_departments():
    rows = SAMPLE.read_text(encoding="utf-8").splitlines()[1:]
    assert len(rows) >= 60
    assert {row.split(";")[1] for row in rows} == {"75", "93"}


def test_platform_admin_imports_the_sample_and_reimporting_creates_no_duplicate(
    client, platform_admin, paris, seine_saint_denis
):
    client.force_login(platform_admin)
    count = len(SAMPLE.read_text(encoding="utf-8").splitlines()) - 1
    content = text(upload(client, SAMPLE.read_bytes()))
    assert f"{count} formations importées : {count} créées" in content
    assert TrainingOffer.objects.count() == count
    content = text(upload(client, SAMPLE.read_bytes()))
    assert f"{count} formations importées : 0 créées, 0 mises à jour, {count} inchangées" in content
    assert TrainingOffer.objects.count() == count


def test_reimport_updates_an_offer_by_its_key(prefecture, client):
    client.force_login(prefecture)
    upload(client, HEADER + "\n" + line(places="12"))
    content = text(upload(client, HEADER + "\n" + line(places="20")))
    assert "1 mises à jour" in content
    assert TrainingOffer.objects.get(key="75-X-1").places == 20


def test_two_bad_lines_are_both_reported_and_nothing_is_imported(client, prefecture):
    client.force_login(prefecture)
    csv = "\n".join(
        [
            HEADER,
            line("75-A"),
            line("75-B", hours="cent"),
            line("75-C"),
            line("75-D", kind="cuisine", ends_on="2026-01-01"),
        ]
    )
    content = text(upload(client, csv))
    assert "2 lignes sont incorrectes : rien n'a été importé" in content
    errors = dict(trainings.check(csv.encode(), allowed_codes={"75"})[1].errors)
    assert set(errors) == {3, 5}
    assert "« hours » : « cent » n'est pas un nombre entier positif" in content
    assert "« kind » : « cuisine » n'est pas une valeur permise" in content
    assert "la fin (« ends_on ») précède le début" in content
    assert TrainingOffer.objects.count() == 0


@pytest.mark.parametrize(
    ("csv", "reason"),
    [
        ("", "est vide"),  # refused by the form itself
        ("key;title\n1;x", "colonnes manquantes"),
        (HEADER + ";extra\n" + line() + ";1", "colonnes inconnues : extra"),
        (HEADER + "\n" + line() + "\n" + line(), "la référence « 75-X-1 » figure déjà ligne 2"),
        (HEADER + "\n" + line(department="99"), "département « 99 » inconnu"),
        (HEADER + "\n" + line(starts_on="demain"), "n'est pas une date"),
        (HEADER + "\n" + line(provider=""), "« provider » est obligatoire"),
        (HEADER + "\n" + line() + ";de trop", "trop de colonnes"),
    ],
)
def test_faulty_files_are_refused_with_a_reason(client, prefecture, csv, reason):
    client.force_login(prefecture)
    content = text(upload(client, csv))
    assert reason in content
    assert TrainingOffer.objects.count() == 0


def test_non_utf8_file_is_refused(client, prefecture):
    client.force_login(prefecture)
    content = text(upload(client, (HEADER + "\n" + line(title="Français")).encode("latin-1")))
    assert "UTF-8" in content


def test_comma_separated_and_french_dates_are_accepted(client, prefecture):
    client.force_login(prefecture)
    csv = HEADER.replace(";", ",") + "\n" + line(starts_on="04/01/2027").replace(";", ",")
    assert "1 formations importées" in text(upload(client, csv))
    assert str(TrainingOffer.objects.get().starts_on) == "2027-01-04"


def test_a_paris_coordinator_cannot_import_for_another_department(
    client, prefecture, seine_saint_denis
):
    client.force_login(prefecture)
    content = text(upload(client, HEADER + "\n" + line() + "\n" + line("93-A", department="93")))
    assert "vous ne pouvez importer que celui de votre organisation" in content
    assert TrainingOffer.objects.count() == 0
    # Nor overwrite an offer of 93 by reusing its key.
    TrainingOfferFactory(key="93-B", department=seine_saint_denis)
    content = text(upload(client, HEADER + "\n" + line("93-B")))
    assert "appartient au département 93" in content
    assert TrainingOffer.objects.get(key="93-B").department == seine_saint_denis


def test_paris_part_of_the_sample_imports_for_the_paris_coordinator(client, prefecture):
    client.force_login(prefecture)
    rows = SAMPLE.read_text(encoding="utf-8").splitlines()
    paris_only = "\n".join([rows[0], *[row for row in rows[1:] if row.split(";")[1] == "75"]])
    count = len(paris_only.splitlines()) - 1
    assert f"{count} formations importées" in text(upload(client, paris_only))


@pytest.mark.parametrize("persona", ["ofii", "mission_locale", "partner"])
def test_import_page_is_404_without_the_capability(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("training_import")).status_code == 404
    assert upload(client, HEADER + "\n" + line()).status_code == 404
    assert TrainingOffer.objects.count() == 0


@pytest.mark.parametrize(
    ("params", "expected", "absent"),
    [
        ({"kind": "vocational"}, "Cuisine", "Français A2"),
        ({"level": "A2"}, "Français A2", "Cuisine"),
        ({"certification": "DCL"}, "Français A2", "Cuisine"),
        ({"funder": "region"}, "Cuisine", "Français A2"),
        ({"commune": "montreuil"}, "Cuisine", "Français A2"),
        ({"employment_area": "est ensemble"}, "Cuisine", "Français A2"),
        ({"q": "greta"}, "Français A2", "Cuisine"),
        ({"reachable_from": "B1"}, "Cuisine", "Français A2"),
        ({"starts_after": "2027-02-01"}, "Cuisine", "Français A2"),
    ],
)
def test_training_search_filters(client, platform_admin, paris, params, expected, absent):
    TrainingOfferFactory(
        department=paris, title="Français A2", provider="GRETA", certification="DCL"
    )
    TrainingOfferFactory(
        department=paris,
        title="Cuisine",
        provider="AFPA",
        kind="vocational",
        target_level="",
        funder="region",
        commune="Montreuil",
        employment_area="Est Ensemble",
        starts_on="2027-03-01",
        ends_on="2027-06-01",
    )
    client.force_login(platform_admin)
    content = text(client.get(reverse("training_list"), params))
    assert expected in content
    assert absent not in content
