import pytest


@pytest.fixture(autouse=True)
def _bilan_media(settings, tmp_path):
    """Each test writes its PDFs in a directory of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _generation_in_the_request(settings):
    """Generations run within the test (eager Celery), except where a test asks for the
    embedded mode's background thread."""
    settings.BILAN_EMBEDDED_THREAD = False
