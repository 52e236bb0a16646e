import pytest
from governance import bilan, bilan_pdf
from governance.models import AnnualReport
from .factories import paris_agreement

@pytest.mark.django_db
def test_try(orgs, prefecture, django_capture_on_commit_callbacks):
    agreement = paris_agreement(orgs)
    with django_capture_on_commit_callbacks(execute=True):
        report = bilan.request_report(prefecture, agreement, 2025)
    report.refresh_from_db()
    print(report.status, report.error, report.step)
    import shutil
    shutil.copy(report.pdf.path, "/tmp/bilan_try.pdf")
