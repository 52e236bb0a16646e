"""Benchmark of the annual bilan: a department-year of N files, generated as the worker does.

    python manage.py bench_bilan --beneficiaries 20000 --year 2025 --department 98

Creates (once) a dedicated fictional department with its organisations, agreement and N files of
the year (default: last year) with their interviews (bulk) and referrals (through the real
transitions: ``devdata.builder``), then requests a bilan and runs the worker's
code in this process (claim, collect, render, store). Prints the time of each step, the PDF's size
and pages, and the peak memory of the process (``resource.getrusage(RUSAGE_SELF).ru_maxrss``).
Run it against a throwaway database (``SQLITE_PATH=/tmp/bench.sqlite3`` or a DATABASE_URL of its
own): it writes data.
"""

import resource
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from beneficiaries.models import Beneficiary
from devdata import bench, builder
from governance.bilan import actions as bilan
from governance.bilan import render as bilan_pdf
from governance.models import AnnualReport


class Command(BaseCommand):
    help = "Generates the bilan of a department-year of N files and prints time and peak memory."

    def add_arguments(self, parser):
        parser.add_argument("--beneficiaries", type=int, default=20000)
        parser.add_argument("--year", type=int, default=timezone.localdate().year - 1)
        parser.add_argument("--department", default="98")

    def handle(self, *args, beneficiaries, year, department, **options):
        started = time.perf_counter()
        dept = builder.department(department, f"Département d'essai {department}")
        orgs = builder.organisations(dept)
        have = Beneficiary.objects.filter(ofii_organisation=orgs["ofii"]).count()
        if have < beneficiaries:
            with builder.without_notifications():
                bench.activity(orgs, year, beneficiaries - have, prefix=f"B{have}-")
        agreement = dept.agreements.first() or bench.agreement_for(dept, orgs, year)
        self.stdout.write(
            f"data: {Beneficiary.objects.filter(ofii_organisation=orgs['ofii']).count()} files "
            f"in department {dept.code} ({time.perf_counter() - started:.1f} s to prepare)"
        )
        report = AnnualReport.objects.create(
            agreement=agreement,
            year=year,
            version=(agreement.reports.filter(year=year).count() + 1),
        )
        assert bilan.claim(report.pk)
        marks = [("start", time.perf_counter())]

        def on_step(key, progress, label):
            bilan.advance(report.pk, progress, label)
            marks.append((key, time.perf_counter()))

        bilan_pdf.generate(report.pk, on_step=on_step)
        marks.append(("done", time.perf_counter()))
        report.refresh_from_db()
        for (name, at), (_next, then) in zip(marks, marks[1:], strict=False):
            self.stdout.write(f"  {name:<8} {then - at:7.2f} s")
        total = marks[-1][1] - marks[0][1]
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with report.pdf.open("rb") as pdf:
            size = len(pdf.read())
        figures = report.snapshot["statistics"]
        self.stdout.write(
            f"bilan {report.year} v{report.version}: {report.status}, {size / 1024:.0f} KiB, "
            f"cir_signatories={figures['cir_signatories']} "
            f"referrals_sent={figures['referrals_sent']}"
        )
        self.stdout.write(f"generation: {total:.2f} s; peak memory (ru_maxrss): {peak_mib:.0f} MiB")
