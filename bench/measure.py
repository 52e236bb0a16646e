"""Measures one scale's database (run by ``bench.run`` in a process of its own, whose
DATABASE_URL is ``passerelle_bench_<scale>``); prints one JSON document on its last line.

Every page and API list is requested through Django's test client (the whole server stack:
middleware, view, template), as a member of the measured department ("93", the same rows at both
scales): one warm-up request, then ``REPEAT`` measured ones — median and p95 server time, and
the SQL queries of a request.
"""

import json
import os
import statistics as stats
import subprocess
import sys
import time
from pathlib import Path

import django

REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
ROOT = Path(__file__).resolve().parent.parent
# The worker's log and the export files of the run: var/bench/ (ignored by git).
WORK = Path(os.environ.get("BENCH_WORK_DIR", ROOT / "var" / "bench"))


def timed(call, repeat=REPEAT):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm-up (connections, caches, templates)
    times = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = call()
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured.captured_queries)
        status = getattr(response, "status_code", 200)
        if status not in (200, 302):
            raise RuntimeError(f"answered {status}")
        if status == 302 and _is_sign_in(response.url):
            # A page that sends the persona to sign in again measures nothing.
            raise RuntimeError(f"sent to sign in ({response.url})")
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {"median_ms": round(stats.median(times), 1), "p95_ms": round(p95, 1), "queries": queries}


def _is_sign_in(url):
    from django.urls import reverse

    return url.startswith((reverse("login"), "/compte/double-authentification/"))


def signed_in(user):
    """A test client signed in as ``user`` the whole way: password and, for the people who need
    one (préfecture, platform admin), a verified second factor, as in the tests."""
    from django.test import Client

    from devdata.sessions import verify_session

    client = Client()
    client.force_login(user)
    verify_session(client, user)
    return client


def pages():
    """(label, persona, callable(client)) of every measured request."""
    from django.core.cache import cache
    from django.urls import reverse
    from django.utils import timezone

    from beneficiaries.models import Beneficiary
    from devdata import dataset
    from referrals.models import Referral, Status

    people = dataset.users_of(dataset.MEASURED)
    ofii = people["auditeur"][0]
    coordinator = people["coordination"][0]
    receiver = next(
        user for user in people["conseiller"] if "France Travail" in user.organisation.name
    )
    visible = Beneficiary.objects.visible_to(ofii)
    person = (
        visible.filter(referrals__status=Status.CLOSED).order_by("pk").first()
        or visible.order_by("pk").first()
    )
    name = person.last_name
    number = person.ofii_number
    referral = Referral.objects.visible_to(receiver).order_by("pk").first()
    year = timezone.localdate().year - 1
    department = ofii.organisation.department_id

    def get(url, data=None):
        accept = "application/json" if url.startswith("/api/") else "text/html"
        return lambda client: client.get(url, data or {}, HTTP_ACCEPT=accept)

    def cold_home(client):
        cache.delete(f"home:files_summary:{department}:{timezone.localdate().year}")
        return client.get(reverse("home"))

    files = reverse("beneficiaries:list")
    inbox = reverse("referrals:inbox")
    return [
        ("OFII home (summary cached)", ofii, get(reverse("home"))),
        ("OFII home (cache cold)", ofii, cold_home),
        ("beneficiary list", ofii, get(files)),
        ("beneficiary list, page 100", ofii, get(files, {"page": 100})),
        ("beneficiary list, BPI under 26", ofii, get(files, {"public": ["bpi", "under_26"]})),
        ("search by name", ofii, get(files, {"q": name})),
        ("search by name, two words", ofii, get(files, {"q": f"{name} {person.first_name}"})),
        ("search by OFII number", ofii, get(files, {"q": number})),
        ("API beneficiaries list", ofii, get("/api/v1/beneficiaries/")),
        ("API lookup by OFII number", ofii, get("/api/v1/beneficiaries/", {"ofii_number": number})),
        ("file with timeline", ofii, get(reverse("beneficiaries:detail", args=[person.pk]))),
        ("OFII inbox", ofii, get(inbox)),
        ("OFII inbox, refused", ofii, get(inbox, {"status": "refused"})),
        ("OFII inbox, page 100", ofii, get(inbox, {"page": 100})),
        ("API referrals list (OFII)", ofii, get("/api/v1/referrals/")),
        ("receiver home", receiver, get(reverse("home"))),
        ("receiver inbox", receiver, get(inbox)),
        ("receiver inbox, overdue", receiver, get(inbox, {"overdue": "on"})),
        ("receiver inbox, page 50", receiver, get(inbox, {"page": 50})),
        ("referral detail", receiver, get(reverse("referrals:detail", args=[referral.pk]))),
        ("API referrals list (receiver)", receiver, get("/api/v1/referrals/")),
        ("coordinator home", coordinator, get(reverse("home"))),
        ("statistics page", coordinator, get(reverse("governance:statistics"), {"year": year})),
        ("export CSV, one name (in request)", ofii, get(
            reverse("beneficiaries:export", args=["csv"]), {"q": name})),
        ("export CSV, all files (starts a job)", ofii, get(
            reverse("beneficiaries:export", args=["csv"]))),
        ("export referrals XLSX (starts a job)", ofii, get(
            reverse("referrals:export", args=["xlsx"]))),
    ]  # fmt: skip


def measure_pages():
    results = {}
    clients = {}
    for label, user, call in pages():
        client = clients.get(user.pk)
        if client is None:
            client = clients[user.pk] = signed_in(user)
        try:
            results[label] = timed(lambda call=call, client=client: call(client))
        except Exception as error:  # a page that fails is reported, not hidden
            results[label] = {"error": str(error)[:200]}
        print(f"  {label:<42} {results[label]}", file=sys.stderr, flush=True)
    return results


def measure_statistics():
    """statistics.compute for the measured department and last year, against the floor."""
    from django.utils import timezone

    from bench import floor
    from devdata import dataset
    from governance import statistics
    from partners.models import Department

    department = Department.objects.get(code=dataset.MEASURED)
    year = timezone.localdate().year - 1
    app = timed(lambda: statistics.compute(department, year), repeat=7)
    sql = timed(lambda: floor.figures(department.pk, year), repeat=7)
    computed = statistics.compute(department, year, masked=False)
    hand = floor.figures(department.pk, year)
    same = {key: (computed[key], hand[key]) for key in floor.COMPARED}
    return {
        "compute": app,
        "floor": sql,
        "ratio_to_floor": round(app["median_ms"] / sql["median_ms"], 2),
        "same_figures": all(a == b for a, b in same.values()),
        "figures": same,
    }


def measure_import(rows=5000):
    """The CSV import's worker code (check, then write) on ``rows`` new files: rows/s."""
    from django.utils import timezone

    from beneficiaries import importer
    from beneficiaries.models import Beneficiary, ImportJob
    from devdata import dataset

    ofii = dataset.users_of(dataset.MEASURED)["auditeur"][0]
    year = timezone.localdate().year
    prefix = f"{dataset.MEASURED}-{year}-9"
    Beneficiary.objects.filter(ofii_number__startswith=prefix).delete()
    header = (
        "ofii_number;last_name;first_name;sex;birth_date;nationality;permit_kind;"
        "first_permit_date;cir_signed_on;postcode;commune;email;phone;rqth;higher_education;"
        "french_level;france_travail_id"
    )
    signed = timezone.localdate().replace(day=1).isoformat()
    lines = [header] + [
        f"{prefix}{n:04d};IMPORTE{n:05d};Fictif;F;1990-05-0{n % 9 + 1};SN;family;"
        f"{signed};{signed};93000;Bobigny;;;non;non;A1;"
        for n in range(rows)
    ]
    job = ImportJob.objects.create(
        organisation=ofii.organisation, created_by=ofii, file_name="bench.csv",
        content="\n".join(lines),
    )  # fmt: skip
    started = time.perf_counter()
    importer.run(job.pk)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    Beneficiary.objects.filter(ofii_number__startswith=prefix).delete()
    return {
        "rows": rows,
        "status": job.status,
        "seconds": round(elapsed, 2),
        "rows_per_s": round(rows / elapsed),
    }


def measure_bilan():
    """The bilan of the measured department's agreement, last year, through a real Celery worker
    (its own process, over Redis): time from the request to the stored PDF, worker peak memory."""
    from django.conf import settings

    if not settings.REDIS_URL:
        return {"skipped": "REDIS_URL not set: no real worker"}
    import redis

    from devdata import dataset
    from governance.bilan import actions
    from governance.models import Agreement, AnnualReport

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    coordinator = dataset.users_of(dataset.MEASURED)["coordination"][0]
    agreement = Agreement.objects.filter(department__code=dataset.MEASURED).first()
    year = time.localtime().tm_year - 1
    WORK.mkdir(parents=True, exist_ok=True)
    log = open(WORK / "worker.log", "w")  # noqa: SIM115 (closed in the finally below)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
         "--loglevel=WARNING", "--without-heartbeat", "--without-mingle", "--without-gossip"],
        cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        time.sleep(5)  # the worker connects
        idle = _peak_mib(worker.pid)
        started = time.perf_counter()
        report = actions.request_report(coordinator, agreement, year)
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            report = AnnualReport.objects.get(pk=report.pk)
            if report.status not in actions.IN_FLIGHT:
                break
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
        return {
            "status": report.status,
            "seconds": round(elapsed, 1),
            "worker_idle_mib": idle,
            "worker_peak_mib": _peak_mib(worker.pid),
        }
    finally:
        worker.terminate()
        worker.wait(30)
        log.close()


def _peak_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return None


def counts():
    from beneficiaries.models import Beneficiary
    from referrals.models import FollowUp, Referral, ReferralEvent

    return {
        "beneficiaries": Beneficiary.objects.count(),
        "anonymised": Beneficiary.objects.filter(anonymised_at__isnull=False).count(),
        "referrals": Referral.objects.count(),
        "referral_events": ReferralEvent.objects.count(),
        "follow_ups": FollowUp.objects.count(),
    }


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.MEDIA_ROOT = WORK / "media"
    result = {"counts": counts()}
    print(f"  data: {result['counts']}", file=sys.stderr, flush=True)
    result["pages"] = measure_pages()
    result["statistics"] = measure_statistics()
    print(f"  statistics: {result['statistics']['ratio_to_floor']}× the floor", file=sys.stderr)
    result["import"] = measure_import()
    print(f"  import: {result['import']}", file=sys.stderr, flush=True)
    if os.environ.get("BENCH_BILAN", "1") == "1":
        result["bilan"] = measure_bilan()
        print(f"  bilan: {result['bilan']}", file=sys.stderr, flush=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
