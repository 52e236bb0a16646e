"""Fills the database with the benchmark's fictional data set (``devdata.dataset``).

    python manage.py generate_dataset --scale department            # one department, 100,000 files
    python manage.py generate_dataset --scale national              # 100 departments, 600,000 files
    python manage.py generate_dataset --scale national --departments 30   # a reduced national run

Bulk inserts in batches; prints the rows written and the rate. Run it against a database of its
own (``bench/`` creates ``passerelle_bench_<scale>``): it writes a lot. Department scale runs on
SQLite too. Idempotent per department: a department that has its files already is skipped.
"""

import time

from django.core.management.base import BaseCommand

from devdata import dataset


class Command(BaseCommand):
    help = "Generates the benchmark data set (fictional) at department or national scale."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["department", "national"], default="department")
        parser.add_argument(
            "--files", type=int, default=None,
            help=f"files of the measured department (default {dataset.DEPARTMENT_FILES})",
        )  # fmt: skip
        parser.add_argument(
            "--departments", type=int, default=None,
            help="national scale: only the first N departments (a reduced run)",
        )  # fmt: skip

    def handle(self, *args, scale, files, departments, **options):
        started = time.perf_counter()
        self.stdout.write(f"generate_dataset: scale {scale}")
        counter = dataset.generate(scale, files=files, departments=departments, stdout=self.stdout)
        elapsed = time.perf_counter() - started
        for name, count in counter.rows.items():
            self.stdout.write(f"  {name:<16} {count:>10,}")
        self.stdout.write(
            f"{counter.total:,} rows in {elapsed:.1f} s: {counter.total / max(elapsed, 1e-6):,.0f} rows/s"
        )
