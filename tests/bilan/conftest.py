import pytest


@pytest.fixture(autouse=True)
def _bilan_media(settings, tmp_path):
    """Each test writes its PDFs in a directory of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
