"""Page benchmark at county and city scale, throughput under gunicorn, the request-register export, and a
55,000-row division import.

    .venv/bin/python bench/run.py [--scales county city] [--requests 60] [--no-province] [--export-repeats 3]
                                  [--no-throughput] [--throughput-seconds 20]
    .venv/bin/python bench/run.py --throughput-only   # gunicorn run against the bench_portal already there
    .venv/bin/python bench/run.py --export-only       # the register export against the bench_portal there

Runs under config.settings.test against its own database ``bench_portal`` (``BENCH_DB`` names another,
so that two runs on one server keep apart; dropped and re-created for every scale, and for the province
import), never the development database.
For each scale it imports the generated divisions and people with the real services
(regions.services), adds a year of duty shifts and proxy requests (bench/activity.py) and of
democratic decisions (bench/decisions_activity.py), checks in a rolled-back transaction that the
services take the next step of the generated records, then requests each page as a county
administrator, a township officer and a village secretary, and the public bulletin anonymously,
through django.test.Client and prints, per page: HTTP status, SQL query count, time spent in
SQL, p50/p95 latency over N requests (after warm-up), and any SQL statement repeated with
different parameters (the N+1 signature). Query counts must not depend on the scale; the SQL
of every measured page is written to ``<out>/queries/<scale>/``, with EXPLAIN ANALYZE of the
slowest statement of any page whose p95 misses the target.

At city scale gunicorn is started with production settings (bench/settings_production.py: DEBUG
off, Redis cache, persistent connections; URLconf bench/urls.py, the application's plus a bare page)
and driven with concurrent keep-alive HTTP requests from threads (http.client): the public township
and village bulletins, /healthz/, and signed-in pages (the home pages of a village, a township and a
county user, the request list of a village secretary and of a county admin, a matter page), each
followed by the bare Django page of its size with the same sessions. Requests per second, latency
percentiles and the CPU seconds of the workers, the PostgreSQL backends and the load driver are
reported, each page's ratio to its bare page, then an in-process breakdown of one bulletin request
(SQL, template rendering, the rest) and its cProfile.

At city scale the 100,000-row request register is exported with centers.exports and compared with
openpyxl's write-only mode fed by the same queryset's ``values_list``; each run is its own child
process, so its peak RSS is its own.

The 55,000-row province import runs in a child process so that its peak RSS is its own; the
same child then times a superuser's pages on the 55,000-region database.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = os.environ.get("BENCH_DB", "bench_portal")  # another name keeps parallel runs apart
SERVER_URL = "postgres://postgres@127.0.0.1:5432"
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
os.environ["DATABASE_URL"] = f"{SERVER_URL}/{DB_NAME}"  # never the development database
os.environ.setdefault("LOG_LEVEL", "WARNING")

from bench import activity, decisions_activity, generate, mediation_activity  # noqa: E402

PROVINCE_LIMIT_S = 60.0
PAGE_P95_LIMIT_MS = 300.0
EXPORT_RATIO_LIMIT = 1.3
EXPORT_RSS_LIMIT_MB = 200.0
EXPORT_SCALE = "city"
THROUGHPUT_SCALE = "city"
THROUGHPUT_TARGET_RPS = 100.0
THROUGHPUT_REDIS = "redis://127.0.0.1:6379/13"  # the production cache of the gunicorn run (flushed by nobody)


@dataclass
class Options:
    requests: int = 60
    warmup: int = 3
    out: Path = ROOT / "bench" / "out"
    tracemalloc: bool = False
    profile: Path | None = None
    province_requests: int = 10
    export_repeats: int = 3
    export_profile: Path | None = None
    export_scale: str = EXPORT_SCALE
    throughput: bool = True
    throughput_scale: str = THROUGHPUT_SCALE
    throughput_seconds: float = 20.0
    throughput_clients: int = 8
    throughput_workers: int = 3
    throughput_threads: int = 1
    code_at_start: str = ""


# ---------------------------------------------------------------------------------------------
# Database and Django
# ---------------------------------------------------------------------------------------------


def recreate_database() -> None:
    """Drops and creates ``bench_portal`` (closing Django's own connections first)."""
    import psycopg2

    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()
    conn = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1", port=5432)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {DB_NAME}")
    finally:
        conn.close()


def django_setup() -> None:
    import logging
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: collectstatic not run
    django.setup()
    # 403/404 answers on out-of-scope pages are expected here; keep their warnings off the report.
    logging.getLogger("django.request").setLevel(logging.ERROR)


def fresh_database() -> float:
    """A new, migrated ``bench_portal``; returns the seconds ``migrate`` took."""
    from django.core.management import call_command

    recreate_database()
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    return time.perf_counter() - started


def _proc_status_kb(key: str) -> int | None:
    match = (
        re.search(rf"^{key}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M)
        if Path("/proc/self/status").exists()
        else None
    )
    return int(match.group(1)) if match else None


def rss_mb() -> float:
    """This process's resident memory now (VmRSS), in MB."""
    kb = _proc_status_kb("VmRSS")
    return kb / 1024 if kb is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB. Not ru_maxrss: on Linux a child's
    ru_maxrss also carries the parent's peak from before exec, which hides the child's own."""
    kb = _proc_status_kb("VmHWM")
    return kb / 1024 if kb is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak_rss() -> None:
    """Sets the peak (VmHWM) back to the current RSS, so the next peak is the measured code's own."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def read_rows(path: Path):
    from spreadsheets.reading import table_rows

    return table_rows(path.read_bytes(), path.name)


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def code_version() -> str:
    """The commit measured, ``+changes`` when the working tree differs from it, and a fingerprint of the
    tracked files' contents outside bench/ (unchanged by committing), so a report can tell whether
    the code under test changed during the run."""
    import hashlib

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = (
        "+changes"
        if git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)bench")
        else ""
    )
    digest = hashlib.sha1()
    for name in sorted(git("ls-files", "--", ".", ":(exclude)bench").splitlines()):
        path = ROOT / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes())
    return f"{commit}{changed} (code {digest.hexdigest()[:8]})"


# ---------------------------------------------------------------------------------------------
# Measuring pages
# ---------------------------------------------------------------------------------------------

NUMBER = re.compile(r"\b\d+\b")
QUOTED = re.compile(r"'(?:[^']|'')*'")


def sql_shape(sql: str) -> str:
    """The statement with its literals replaced, so the same query with other parameters matches."""
    return NUMBER.sub("?", QUOTED.sub("?", sql))


@dataclass
class PageResult:
    scale: str
    user: str
    page: str
    url: str
    status: int
    queries: int
    sql_ms: float
    p50: float
    p95: float
    repeated: list[tuple[int, str]] = field(default_factory=list)
    redirect_queries: int | None = None


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def measure(client, url: str, requests: int, warmup: int, dump: Path | None):
    """(status, queries, SQL ms, p50 ms, p95 ms, repeated statements, slowest SQL) of GET ``url``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    # Read the capture now: the next request resets the connection's query log.
    queries = captured.captured_queries
    if dump is not None:
        dump.parent.mkdir(parents=True, exist_ok=True)
        dump.write_text(
            f"-- GET {url} -> {response.status_code}, {len(queries)} queries\n\n"
            + "".join(
                f"-- {i}: {float(q['time']) * 1000:.1f} ms\n{q['sql']};\n\n" for i, q in enumerate(queries, 1)
            ),
            encoding="utf-8",
        )
    shapes = Counter(sql_shape(q["sql"]) for q in queries)
    repeated = sorted(((n, s) for s, n in shapes.items() if n >= 3), reverse=True)
    sql_ms = sum(float(q["time"]) for q in queries) * 1000
    slowest = max(queries, key=lambda q: float(q["time"]))["sql"] if queries else None
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return (
        response.status_code,
        len(queries),
        sql_ms,
        percentile(timings, 0.5),
        percentile(timings, 0.95),
        repeated,
        slowest,
    )


def explain(sql: str, path: Path) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of one captured statement (its literals are already in the text)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    path.write_text(f"{sql};\n\n{plan}\n", encoding="utf-8")


def bench_user(
    scale: str,
    label: str,
    user,
    pages: list[tuple[str, str | None]],
    options: Options,
    requests: int,
    warmup: int,
) -> list[PageResult]:
    """Measures each (page, url) for ``user``; url None is the home page, measured where / redirects."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if user is not None:  # None: an anonymous visitor (the public bulletin)
        client.force_login(user)
    results = []
    for page, url in pages:
        redirect_queries = None
        if url is None:
            with CaptureQueriesContext(connection) as captured:
                response = client.get("/")
            if response.status_code != 302:
                raise SystemExit(f"{label}: / answered {response.status_code}, expected a redirect")
            url, redirect_queries = response.url, len(captured.captured_queries)
        slug = re.sub(r"[^a-z0-9]+", "-", f"{label}--{page}".lower()).strip("-")
        dump = options.out / "queries" / scale / f"{slug}.sql"
        status, queries, sql_ms, p50, p95, repeated, slowest = measure(client, url, requests, warmup, dump)
        results.append(
            PageResult(scale, label, page, url, status, queries, sql_ms, p50, p95, repeated, redirect_queries)
        )
        note = ""
        if p95 > PAGE_P95_LIMIT_MS and slowest and slowest.lstrip().upper().startswith("SELECT"):
            plan = dump.with_suffix(".explain.txt")
            explain(slowest, plan)
            note = f"  (p95 over {PAGE_P95_LIMIT_MS:.0f} ms: plan of its slowest query in {plan.name})"
        print(
            f"  {label:<18} {page:<20} {url:<46} {status}  {queries:>3} queries  "
            f"p50 {p50:7.1f} ms  p95 {p95:7.1f} ms{note}",
            flush=True,
        )
    return results


def decision_matter(village):
    """The matter whose detail page is measured: a completed matter of ``village`` (resolution and result
    disclosed), the one with the most amendments, objections and supervision opinions."""
    from django.db.models import Count

    from decisions.models import Matter

    matter = (
        Matter.objects.filter(village=village, status=Matter.Status.COMPLETED)
        .annotate(
            rows=Count("disclosures__amendments", distinct=True)
            + Count("disclosures__objections", distinct=True)
            + Count("opinions", distinct=True)
        )
        .order_by("-rows", "id")
        .first()
    )
    if matter is None:
        raise SystemExit(f"no completed matter at {village.code}")
    return matter


def bench_pages(scale: str, options: Options) -> list[PageResult]:
    from accounts.models import User
    from centers.models import ProxyRequest
    from regions.models import Region

    county = Region.objects.get(code=generate.FIRST_COUNTY_CODE)
    township = Region.objects.filter(parent=county).order_by("code").first()
    village = Region.objects.filter(parent=township).order_by("code").first()
    users = {
        "county admin": User.objects.get(username=f"county{county.code[:6]}"),
        "township officer": User.objects.get(username=f"town{township.code[:9]}"),
        "village secretary": User.objects.get(username=f"sec{village.code}"),
    }
    # A request every one of the three users may see: the measured village's first one in progress.
    request = (
        ProxyRequest.objects.filter(village=village, status=ProxyRequest.Status.IN_PROGRESS)
        .order_by("id")
        .first()
    )
    if request is None:
        raise SystemExit(f"no request in progress at {village.code}")
    matter = decision_matter(village)
    pages = [
        ("home (final)", None),
        ("county page", county.get_absolute_url()),
        ("township page", township.get_absolute_url()),
        ("village page", village.get_absolute_url()),
        ("search 村", "/regions/search/?q=村"),
        ("people", "/people/"),
        ("requests", "/requests/"),
        ("requests red", "/requests/?flag=red"),
        ("request detail", request.get_absolute_url()),
        ("request figures", "/requests/figures/"),
        ("attendance", "/duty/attendance/"),
        ("roster", f"/duty/{village.code}/roster/"),
        ("decisions", "/decisions/"),
        ("oversight township", f"/decisions/oversight/?region={township.code}"),
        ("oversight county", f"/decisions/oversight/?region={county.code}"),
        ("matter detail", matter.get_absolute_url()),
    ]
    results = []
    for label, user in users.items():
        results += bench_user(scale, label, user, pages, options, options.requests, options.warmup)
    # The public bulletin (no login): a village's, its township's, and a later page of the township's.
    public = [
        ("bulletin village", f"/bulletin/{village.code}/"),
        ("bulletin township", f"/bulletin/{township.code}/"),
        ("bulletin township p10", f"/bulletin/{township.code}/?page=10"),
    ]
    results += bench_user(
        scale, "public (anonymous)", None, public, options, options.requests, options.warmup
    )
    # Dispute mediation, as its county 政法委, its township 司法所 and the village secretary.
    for label, user, mediation_pages in mediation_activity.pages():
        results += bench_user(scale, label, user, mediation_pages, options, options.requests, options.warmup)
    return results


# ---------------------------------------------------------------------------------------------
# The generated records take the services' next step
# ---------------------------------------------------------------------------------------------


class _RolledBack(Exception):
    pass


def services_check() -> dict[str, str]:
    """Takes the next step of some generated records with the real services, inside a transaction that is
    rolled back: a meeting at each meeting step, both postings, a re-proposal, an objection answered, the
    daily decisions job, and 承办 / 办结 / 回复 of proxy requests. Returns {call: "ok" or the refusal}, so a
    generator that drifted from what the services expect shows up before the pages are measured."""
    import datetime as dt
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from centers.models import ProxyRequest
    from centers.services import TransitionInput, proxy_request_transition
    from decisions.models import BODIES_OF_STEP, MEETING_STEPS, Disclosure, Matter, Objection, Step
    from decisions.selectors import roster_on
    from decisions.services import (
        DisclosureInput,
        MeetingInput,
        decision_reminders_send,
        disclosure_post,
        matter_repropose,
        meeting_record,
        objection_answer,
    )

    today = timezone.localdate()
    outcome: dict[str, str] = {}

    def secretary(village) -> User:
        return User.objects.get(username=f"sec{village.code}")

    def attempt(name: str, call) -> None:
        try:
            with transaction.atomic():
                call()
            outcome[name] = "ok"
        except Exception as exc:  # noqa: BLE001 -- reported, the run goes on
            outcome[name] = f"{type(exc).__name__}: {exc}"[:300]

    def first(queryset):
        return queryset.select_related("village").order_by("id").first()

    try:
        with transaction.atomic():
            open_matters = Matter.objects.filter(status=Matter.Status.OPEN)
            for step in MEETING_STEPS:
                matter = first(open_matters.filter(step=step))
                if matter is None:
                    outcome[f"meeting_record {step}"] = "no matter at this step"
                    continue
                body = BODIES_OF_STEP[step][0]
                roster = roster_on(village=matter.village, day=today)
                entitled = roster.entitled_for(body)

                def meeting(matter=matter, step=step, body=body, entitled=entitled):
                    meeting_record(
                        actor=secretary(matter.village),
                        matter=matter,
                        version=matter.version,
                        data=MeetingInput(
                            step=step,
                            body=body,
                            held_on=today,
                            place="村委会议室",
                            chair="主持人",
                            recorder="记录人",
                            entitled=entitled,
                            present=entitled,
                            votes_for=entitled,
                            minutes="基准测试",
                        ),
                    )

                attempt(f"meeting_record {step}", meeting)
            matter = first(open_matters.filter(step=Step.RESOLUTION_DISCLOSURE, disclosed_on__isnull=True))
            if matter is not None:
                attempt(
                    "disclosure_post resolution",
                    lambda m=matter: disclosure_post(
                        actor=secretary(m.village),
                        matter=m,
                        version=m.version,
                        kind=Disclosure.Kind.RESOLUTION,
                        data=DisclosureInput(text="决议公开（基准测试）", posted_on=today),
                    ),
                )
            matter = first(open_matters.filter(step=Step.IMPLEMENTATION))
            if matter is not None:
                attempt(
                    "disclosure_post result",
                    lambda m=matter: disclosure_post(
                        actor=secretary(m.village),
                        matter=m,
                        version=m.version,
                        kind=Disclosure.Kind.RESULT,
                        data=DisclosureInput(
                            text="实施结果公开（基准测试）",
                            posted_on=today,
                            spent_amount=Decimal("1000.00"),
                            acceptance="验收合格",
                        ),
                    ),
                )
            matter = first(Matter.objects.filter(status=Matter.Status.REJECTED, reproposals__isnull=True))
            if matter is not None:
                attempt(
                    "matter_repropose",
                    lambda m=matter: matter_repropose(actor=secretary(m.village), matter=m),
                )
            objection = first(Objection.objects.filter(answered_on__isnull=True))
            if objection is not None:
                attempt(
                    "objection_answer",
                    lambda o=objection: objection_answer(
                        actor=secretary(o.village),
                        objection=o,
                        answer="已答复（基准测试）",
                        answered_on=max(today, o.received_on),
                    ),
                )
            attempt("decision_reminders_send", lambda: decision_reminders_send(today=today))
            for status, name, data in (
                (ProxyRequest.Status.ACCEPTED, "start", TransitionInput()),
                (ProxyRequest.Status.IN_PROGRESS, "complete", TransitionInput(result="已办结（基准测试）")),
                (
                    ProxyRequest.Status.DONE,
                    "reply",
                    TransitionInput(
                        satisfaction="satisfied", reply_channel="电话告知", reply_text="已办结（基准测试）"
                    ),
                ),
            ):
                request = first(
                    ProxyRequest.objects.filter(status=status, accepted_on__lte=today - dt.timedelta(days=1))
                )
                if request is None:
                    outcome[f"proxy_request_transition {name}"] = f"no request {status}"
                    continue
                attempt(
                    f"proxy_request_transition {name}",
                    lambda r=request, n=name, d=data: proxy_request_transition(
                        actor=User.objects.get(pk=r.handler_id),
                        proxy_request=r,
                        name=n,
                        version=r.version,
                        data=d,
                    ),
                )
            raise _RolledBack
    except _RolledBack:
        pass
    return outcome


# ---------------------------------------------------------------------------------------------
# One scale
# ---------------------------------------------------------------------------------------------


def run_scale(scale: str, options: Options) -> tuple[dict, list[PageResult]]:
    from accounts.models import User
    from centers.models import ServiceCenter
    from regions.models import Post, Region
    from regions.services import people_import, regions_import

    data_dir = options.out / scale
    counts = generate.generate(scale, data_dir)
    print(
        f"\n== {scale}: {counts['divisions']} divisions ({counts['villages']} villages), "
        f"{counts['people']} people ({data_dir}); load average {load()}",
        flush=True,
    )
    migrate_s = fresh_database()

    started = time.perf_counter()
    result = regions_import(rows=read_rows(data_dir / "divisions.csv"))
    regions_s = time.perf_counter() - started
    if result.errors:
        raise SystemExit(f"division import failed: {result.errors[:5]}")

    started = time.perf_counter()
    people = people_import(actor=None, rows=read_rows(data_dir / "people.csv"))
    people_s = time.perf_counter() - started
    if people.errors:
        raise SystemExit(f"people import failed: {people.errors[:5]}")
    # Imported accounts must change their one-time password first; the benchmark skips that page.
    User.objects.update(must_change_password=False)

    info = {
        "scale": scale,
        "divisions": counts["divisions"],
        "villages": counts["villages"],
        "people": counts["people"],
        "migrate_s": migrate_s,
        "regions_import_s": regions_s,
        "people_import_s": people_s,
        "regions": Region.objects.count(),
        "centers": ServiceCenter.objects.count(),
        "posts": Post.objects.count(),
    }
    print(
        f"   migrate {migrate_s:.1f} s; divisions import {regions_s:.2f} s ({info['regions']} regions, "
        f"{info['centers']} centers); people import {people_s:.1f} s ({info['posts']} posts)",
        flush=True,
    )
    made = activity.populate(progress=lambda line: print(line, flush=True))
    info.update(
        shifts=made["shifts"], requests=made["requests"], events=made["events"], activity_s=made["total_s"]
    )
    print(
        f"   activity: {made['shifts']} shifts, {made['requests']} requests, {made['events']} timeline events "
        f"in {made['total_s']:.1f} s (with ANALYZE)",
        flush=True,
    )
    decided = decisions_activity.populate(progress=lambda line: print(line, flush=True))
    info.update(
        matters=decided["matters"],
        decision_rows=sum(
            decided[k]
            for k in (
                "matters",
                "meetings",
                "attachments",
                "disclosures",
                "photos",
                "amendments",
                "objections",
                "events",
                "opinions",
                "rosters",
            )
        ),
        decisions_s=decided["total_s"],
        decisions=decided,
    )
    mediated = mediation_activity.populate(scale=scale, progress=lambda line: print(line, flush=True))
    info.update(disputes=mediated["disputes"], mediation_s=mediated["total_s"])
    started = time.perf_counter()
    info["services"] = services_check()
    failed = {name: result for name, result in info["services"].items() if result != "ok"}
    print(
        f"   services on the generated records (rolled back, {time.perf_counter() - started:.1f} s): "
        f"{len(info['services']) - len(failed)} of {len(info['services'])} accepted"
        + "".join(f"\n     {name}: {result}" for name, result in failed.items()),
        flush=True,
    )
    pages = bench_pages(scale, options)
    info["load"] = load()
    return info, pages


# ---------------------------------------------------------------------------------------------
# Throughput: gunicorn with production settings, the public bulletin under concurrent requests
# ---------------------------------------------------------------------------------------------

# What the reverse proxy in front of gunicorn sends (production trusts X-Forwarded-Proto: no SSL redirect).
PROXY_HEADERS = {
    "Host": "127.0.0.1",
    "X-Forwarded-Proto": "https",
    "User-Agent": "bench/run.py",
    "Accept": "text/html",
    "Accept-Language": "zh-CN,zh;q=0.9",
}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(options: Options) -> dict[str, str]:
    """The environment config.settings.production needs (as docker-compose.yml sets it), for bench_portal."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CELERY_")}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings_production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"{SERVER_URL}/{DB_NAME}",
        REDIS_URL=THROUGHPUT_REDIS,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        BENCH_STATIC_ROOT=str(options.out / "staticfiles"),
        MEDIA_ROOT=str(options.out / "media"),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def cpu_seconds(pid: int) -> float:
    """user + system CPU seconds of one process (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def child_pids(pid: int) -> list[int]:
    pids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            pids += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return pids


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def postgres_backends() -> list[int]:
    """Server processes connected to bench_portal (the gunicorn workers' persistent connections)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [DB_NAME]
        )
        return [row[0] for row in cursor.fetchall()]


def http_get(port: int, url: str, timeout: float = 10, headers: dict[str, str] | None = None):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", url, headers=headers or PROXY_HEADERS)
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


@dataclass
class Target:
    """What one run requests: ``url`` with the proxy's headers, anonymously or with one of the user's
    sessions (``cookies``: one per client thread, as that many browsers would hold)."""

    name: str
    url: str
    cookies: list[str] = field(default_factory=list)

    def headers(self, client: int) -> dict[str, str]:
        if not self.cookies:
            return PROXY_HEADERS
        return PROXY_HEADERS | {"Cookie": self.cookies[client % len(self.cookies)]}


def drive(port: int, targets: list[Target | str], seconds: float, clients: int) -> dict:
    """``clients`` threads, each on its own keep-alive connection (reopened when the server closes it),
    requesting ``targets`` (or plain anonymous URLs) in turn as fast as answers come back, for ``seconds``."""
    import http.client

    targets = [t if isinstance(t, Target) else Target(t, t) for t in targets]
    urls = [t.url for t in targets]
    headers = [[t.headers(i) for t in targets] for i in range(clients)]

    samples: list[list[tuple[int, float, int]]] = [[] for _ in range(clients)]
    errors = [0] * clients
    ready = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        own, turn = samples[i], i
        ready.wait()
        while True:
            started = time.perf_counter()
            if started >= deadline[0]:
                break
            u, turn = turn % len(urls), turn + 1
            try:
                conn.request("GET", urls[u], headers=headers[i][u])
                response = conn.getresponse()
                response.read()
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                continue
            own.append((u, (time.perf_counter() - started) * 1000, response.status))
        conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    ready.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    flat = [s for own in samples for s in own]
    per_url = {}
    for u, target in enumerate(targets):
        times = [ms for k, ms, _ in flat if k == u]
        non_200 = sum(1 for k, _, st in flat if k == u and st != 200)
        per_url[target.name] = _latency(times, elapsed) | {"non_200": non_200}
    return {
        "seconds": elapsed,
        "errors": sum(errors),
        "clients": clients,
        "per_url": per_url,
        "total": _latency([ms for _, ms, _ in flat], elapsed)
        | {"non_200": sum(1 for *_, st in flat if st != 200)},
    }


def _latency(times: list[float], elapsed: float) -> dict:
    if not times:
        return {"requests": 0, "rps": 0.0, "p50": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0}
    return {
        "requests": len(times),
        "rps": len(times) / elapsed,
        "p50": percentile(times, 0.5),
        "p95": percentile(times, 0.95),
        "p99": percentile(times, 0.99),
        "max": max(times),
    }


def measured_drive(port: int, master: int, urls: list[Target | str], seconds: float, clients: int) -> dict:
    """drive() plus the CPU seconds spent meanwhile by the gunicorn workers, the PostgreSQL backends of
    bench_portal, this process (the load driver) and the whole machine."""
    workers, backends = child_pids(master), postgres_backends()
    before = (
        [cpu_seconds(p) for p in workers],
        [cpu_seconds(p) for p in backends],
        time.process_time(),
        machine_cpu(),
    )
    result = drive(port, urls, seconds, clients)
    after = (
        [cpu_seconds(p) for p in workers],
        [cpu_seconds(p) for p in backends],
        time.process_time(),
        machine_cpu(),
    )
    busy, total = after[3][0] - before[3][0], after[3][1] - before[3][1]
    result["cpu"] = {
        "workers_s": sum(after[0]) - sum(before[0]),
        "postgres_s": sum(after[1]) - sum(before[1]),
        "driver_s": after[2] - before[2],
        "machine_busy": busy / total if total else 0.0,
        "workers": len(workers),
        "backends": len(backends),
    }
    return result


def start_gunicorn(options: Options, port: int, log: Path, env: dict[str, str]) -> subprocess.Popen:
    static = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if static.returncode != 0:
        raise SystemExit(f"collectstatic failed:\n{static.stderr[-3000:]}")
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "config.wsgi:application",
        "--chdir",
        str(ROOT),
        "-b",
        f"127.0.0.1:{port}",
        "--workers",
        str(options.throughput_workers),
        "--timeout",
        "60",
    ]
    if options.throughput_threads > 1:
        command += ["--threads", str(options.throughput_threads)]  # gunicorn then uses gthread workers
    handle = log.open("w")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    handle.close()
    deadline = time.time() + 60
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited ({server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            status, _, _ = http_get(port, "/healthz/", timeout=2)
            if status == 200 and len(child_pids(server.pid)) >= options.throughput_workers:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    stop_gunicorn(server)
    raise SystemExit(f"gunicorn did not answer /healthz/ within 60 s:\n{log.read_text()[-3000:]}")


def stop_gunicorn(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)  # graceful shutdown of the master we started (and its workers)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def bulletin_breakdown(url: str, options: Options, requests: int = 30) -> dict:
    """One bulletin request in-process (config.settings.test with a persistent connection, DEBUG off,
    anonymous), split into SQL (wall time inside cursor.execute), template rendering (minus the SQL it
    ran) and the rest (middleware, view, ORM rows to objects, prefetching), with the process's CPU time;
    plus a cProfile of ``requests`` more requests."""
    import cProfile
    import pstats

    from django.db import connection
    from django.template.backends.django import Template
    from django.test import Client

    spent = {"sql": 0.0, "render": 0.0, "render_sql": 0.0, "queries": 0}
    in_render = [False]

    def timed_sql(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            spent["sql"] += took
            spent["queries"] += 1
            if in_render[0]:
                spent["render_sql"] += took

    original_render = Template.render

    def timed_render(self, context=None, request=None):
        started, in_render[0] = time.perf_counter(), True
        try:
            return original_render(self, context, request)
        finally:
            in_render[0] = False
            spent["render"] += time.perf_counter() - started

    client = Client()
    max_age = connection.settings_dict["CONN_MAX_AGE"]
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 600  # as production: no new connection per request
    try:
        for _ in range(5):
            client.get(url)
        Template.render = timed_render
        try:
            with connection.execute_wrapper(timed_sql):
                started, cpu = time.perf_counter(), time.process_time()
                for _ in range(requests):
                    client.get(url)
                total, cpu = time.perf_counter() - started, time.process_time() - cpu
        finally:
            Template.render = original_render
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(requests):
            client.get(url)
        profile.disable()
    finally:
        connection.close()
        connection.settings_dict["CONN_MAX_AGE"] = max_age
    path = options.out / f"profile-{re.sub(r'[^0-9a-z]+', '-', url.strip('/'))}.prof"
    profile.dump_stats(str(path))
    ms = 1000 / requests
    breakdown = {
        "url": url,
        "total_ms": total * ms,
        "cpu_ms": cpu * ms,
        "sql_ms": spent["sql"] * ms,
        "queries": spent["queries"] / requests,
        "render_ms": (spent["render"] - spent["render_sql"]) * ms,
        "profile": str(path),
    }
    breakdown["other_ms"] = breakdown["total_ms"] - breakdown["sql_ms"] - breakdown["render_ms"]
    stats = pstats.Stats(str(path))
    areas: dict[str, float] = {}
    for (filename, _, name), (_, _, tottime, _, _) in stats.stats.items():
        area = next(
            (a for a, patterns in PROFILE_AREAS if any(p in f"{filename}:{name}" for p in patterns)), "other"
        )
        areas[area] = areas.get(area, 0.0) + tottime
    own = sum(areas.values()) or 1.0
    breakdown["areas"] = {a: areas.get(a, 0.0) / own for a, _ in (*PROFILE_AREAS, ("other", ()))}
    return breakdown


# Own time (cProfile tottime) of a request by where the code lives; the first matching area wins.
PROFILE_AREAS = (
    ("SQL (execute)", ("method 'execute'", "method 'fetch", "psycopg2")),
    (
        "formatting",
        (
            "utils/formats.py",
            "utils/numberformat.py",
            "utils/dateformat.py",
            "defaultfilters.py",
            "templatetags/",
            "utils/html.py",
            "utils/safestring.py",
            "utils/timezone.py",
        ),
    ),
    ("templates", ("django/template/",)),
    ("ORM", ("django/db/",)),
    (
        "middleware",
        (
            "middleware",
            "contrib/sessions",
            "contrib/auth",
            "django/core/handlers",
            "django/test/",
            "django/http/",
            "django/urls/",
        ),
    ),
)


def explain_queries(url: str, out: Path) -> list[tuple[float, str]]:
    """EXPLAIN ANALYZE of every statement of one anonymous request: (execution ms, first line of SQL)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    statements = [q["sql"] for q in captured.captured_queries]
    plans, timings = [], []
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
            took = float(re.search(r"Execution Time: ([\d.]+)", plan[-1]).group(1)) if plan else 0.0
            timings.append((took, sql[:90]))
            plans.append(f"{sql};\n\n" + "\n".join(plan))
    out.write_text("\n\n".join(plans) + "\n", encoding="utf-8")
    return timings


# The application's pages of the throughput run: (name, user, URL); the user is the username prefix and the
# region code it is completed with; "/" is the home page (measured where it redirects).
def throughput_pages(county, township, village, matter) -> list[tuple[str, str, str]]:
    return [
        ("home, village secretary", f"sec{village.code}", "/"),
        ("home, township officer", f"town{township.code[:9]}", "/"),
        ("home, county admin", f"county{county.code[:6]}", "/"),
        ("requests, village secretary", f"sec{village.code}", "/requests/"),
        ("requests, county admin", f"county{county.code[:6]}", "/requests/"),
        ("matter, village secretary", f"sec{village.code}", matter.get_absolute_url()),
    ]


def signed_in_cookies(user, secret_key: str, count: int) -> list[str]:
    """``count`` sessions of ``user`` (one per client thread, as that many browsers would hold), written to
    bench_portal's session table as django.contrib.auth.login writes them, but signed with gunicorn's
    DJANGO_SECRET_KEY (the session data and the user's session hash depend on it)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.test.utils import override_settings

    # cached_db writes the row too (and its cache entry); gunicorn reads the row on a cache miss.
    if settings.SESSION_ENGINE not in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    ):
        raise SystemExit(
            f"the throughput run writes database sessions; SESSION_ENGINE is {settings.SESSION_ENGINE}"
        )
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    cookies = []
    with override_settings(SECRET_KEY=secret_key):
        for _ in range(count):
            session = store_class()
            session[SESSION_KEY] = user._meta.pk.value_to_string(user)
            session[BACKEND_SESSION_KEY] = "accounts.backends.UsernameOrPhoneBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    return cookies


def probe(port: int, target: Target, log: Path, follow: bool = False) -> tuple[Target, int, dict]:
    """One GET of ``target`` (following the home page's redirect when ``follow``): the target as measured,
    the answer's size in bytes and its caching headers. Keeps the CSRF cookie the answer sets, as a
    browser would (without it every answer would set a new one)."""
    status, headers, body = http_get(port, target.url, headers=target.headers(0))
    if follow and status == 302:
        location = dict(headers)["Location"]
        target = Target(
            target.name,
            location if location.startswith("/") else "/" + location.split("/", 3)[3],
            target.cookies,
        )
        status, headers, body = http_get(port, target.url, headers=target.headers(0))
    if status != 200:
        raise SystemExit(f"{target.name}: GET {target.url} answered {status} under gunicorn; see {log}")
    csrf = next(
        (
            value.split(";", 1)[0]
            for key, value in headers
            if key.lower() == "set-cookie" and value.startswith("csrftoken=")
        ),
        None,
    )
    if csrf and target.cookies:
        target.cookies = [f"{cookie}; {csrf}" for cookie in target.cookies]
    kept = {k: v for k, v in headers if k.lower() in ("cache-control", "vary", "set-cookie")}
    return target, len(body), kept


def bare_target(name: str, size: int, cookies: list[str]) -> Target:
    """The bare page (bench/urls.py) of ``size`` bytes, with the same sessions as the page it stands beside."""
    return Target(f"bare {name}", f"/__bench__/bare/{size}/", list(cookies))


def flush_throughput_cache() -> None:
    """Empties the gunicorn run's own Redis database (bench only), so that no page, panel or county setting
    cached by an earlier run against an earlier bench_portal is served: every run starts cold."""
    import redis

    redis.Redis.from_url(THROUGHPUT_REDIS).flushdb()


def _run_line(name: str, result: dict) -> str:
    total, cpu = result["total"], result["cpu"]
    n = max(1, total["requests"])
    return (
        f"   {name:<30} {total['requests']:>5} requests in {result['seconds']:.1f} s = {total['rps']:6.1f} req/s  "
        f"p50 {total['p50']:6.1f}  p95 {total['p95']:6.1f}  p99 {total['p99']:6.1f} ms  errors {result['errors']}, "
        f"non-200 {total['non_200']};  CPU per request: workers {cpu['workers_s'] * 1000 / n:.1f} ms, postgres "
        f"{cpu['postgres_s'] * 1000 / n:.1f} ms, driver {cpu['driver_s'] * 1000 / n:.1f} ms; machine busy "
        f"{cpu['machine_busy']:.0%}"
    )


def run_throughput(options: Options) -> dict:
    """gunicorn (production settings) on a free port, warm-up, then: the township bulletin and a village
    bulletin together for --throughput-seconds and each alone for half that; /healthz/; and the signed-in
    pages (home pages of a village, township and county user, the request list of a village secretary and
    of a county admin, a matter page) for half that each. Every page alone is followed by the bare page
    of its size with the same sessions (bench/urls.py), so each page has its yardstick measured under the
    same load of the machine right beside it."""
    from accounts.models import User
    from regions.models import Region

    county = Region.objects.get(code=generate.FIRST_COUNTY_CODE)
    township = Region.objects.filter(parent=county).order_by("code").first()
    village = Region.objects.filter(parent=township).order_by("code").first()
    matter = decision_matter(village)
    urls = {"township": f"/bulletin/{township.code}/", "village": f"/bulletin/{village.code}/"}
    port = free_port()
    log = options.out / "gunicorn.log"
    options.out.mkdir(parents=True, exist_ok=True)
    kind = (
        f"{options.throughput_workers} gthread workers x {options.throughput_threads} threads"
        if options.throughput_threads > 1
        else f"{options.throughput_workers} sync workers"
    )
    print(
        f"\n== throughput: gunicorn ({kind}, config.settings.production) on 127.0.0.1:{port}, "
        f"{options.throughput_clients} client threads; load average {load()}",
        flush=True,
    )
    env = production_env(options)
    flush_throughput_cache()
    clients = options.throughput_clients
    sessions: dict[str, list[str]] = {}
    for _, username, _ in throughput_pages(county, township, village, matter):
        if username not in sessions:
            sessions[username] = signed_in_cookies(
                User.objects.get(username=username), env["DJANGO_SECRET_KEY"], clients
            )
    server = start_gunicorn(options, port, log, env)
    info: dict = {
        "workers": options.throughput_workers,
        "threads": options.throughput_threads,
        "clients": clients,
        "kind": kind,
        "urls": urls,
        "runs": {},
        "pages": [],
    }
    half = options.throughput_seconds / 2
    try:
        _, size, info["headers"] = probe(port, Target(urls["township"], urls["township"]), log)
        info["bytes"] = size
        print(
            f"   GET {urls['township']} -> 200, {size} bytes; "
            + "; ".join(f"{k}: {v[:60]}" for k, v in info["headers"].items()),
            flush=True,
        )
        # Each page with the bare page of its size beside it: (name, user, page target, bytes, bare target).
        pairs = []
        for name in ("township", "village"):
            target, size, _ = probe(port, Target(urls[name], urls[name]), log)
            pairs.append(
                (f"bulletin, {name}", "anonymous", target, size, bare_target(f"bulletin, {name}", size, []))
            )
        for name, username, url in throughput_pages(county, township, village, matter):
            target, size, _ = probe(port, Target(name, url, list(sessions[username])), log, follow=url == "/")
            pairs.append((name, username, target, size, bare_target(name, size, target.cookies)))
        for name, username, target, size, _ in pairs:
            print(f"   {name:<30} {username:<22} GET {target.url:<28} -> 200, {size} bytes", flush=True)
        for _, _, target, _, _ in pairs[2:]:  # every signed-in page now sends the CSRF cookie it was given
            if not all("csrftoken=" in cookie for cookie in target.cookies):
                print(f"   note: {target.name} set no CSRF cookie", flush=True)
        # Warm-up: every worker renders every page (and the bare ones) before anything is timed.
        warm: list[Target | str] = [*urls.values(), "/healthz/"]
        for _, _, target, _, bare in pairs:
            warm += [target, bare]
        drive(port, warm, 5, clients)
        # The bulletins as before (both together, then each alone, each alone followed by its bare page),
        # /healthz/, then the signed-in pages, each followed by its bare page.
        plan = [
            ("both", list(urls.values()), options.throughput_seconds, None),
            ("township", [urls["township"]], half, pairs[0]),
            ("village", [urls["village"]], half, pairs[1]),
            # The ceiling of this stack on this machine: Django's whole middleware chain and one query.
            ("healthz", ["/healthz/"], min(5.0, half), None),
        ]
        plan += [(pair[0], [pair[2]], half, pair) for pair in pairs[2:]]
        for name, run_targets, seconds, pair in plan:
            result = measured_drive(port, server.pid, run_targets, seconds, clients)
            info["runs"][name] = result
            print(_run_line(name, result), flush=True)
            if name == "both":
                for url, figures in result["per_url"].items():
                    print(
                        f"      {url:<28} {figures['requests']:>5} requests {figures['rps']:6.1f} req/s  "
                        f"p50 {figures['p50']:6.1f}  p95 {figures['p95']:6.1f}  p99 {figures['p99']:6.1f} ms",
                        flush=True,
                    )
            if pair is not None:
                page_name, username, target, size, bare = pair
                bare_result = measured_drive(port, server.pid, [bare], seconds, clients)
                print(_run_line(bare.name, bare_result), flush=True)
                info["pages"].append(
                    {
                        "name": page_name,
                        "user": username,
                        "url": target.url,
                        "bytes": size,
                        "page": result,
                        "bare": bare_result,
                        "bare_url": bare.url,
                    }
                )
    finally:
        stop_gunicorn(server)
    info["load"] = load()
    for name, url in urls.items():
        breakdown = bulletin_breakdown(url, options)
        breakdown["explain"] = explain_queries(url, options.out / f"explain-bulletin-{name}.txt")
        info[f"breakdown_{name}"] = breakdown
        print(
            f"   in-process {url}: {breakdown['total_ms']:.1f} ms a request (CPU of this process "
            f"{breakdown['cpu_ms']:.1f} ms) = SQL {breakdown['sql_ms']:.1f} ms "
            f"({breakdown['queries']:.0f} queries) + template rendering {breakdown['render_ms']:.1f} ms + rest "
            f"{breakdown['other_ms']:.1f} ms; EXPLAIN ANALYZE execution "
            + ", ".join(f"{ms:.1f}" for ms, _ in breakdown["explain"])
            + " ms",
            flush=True,
        )
        print(
            "      own time under cProfile: "
            + ", ".join(f"{a} {share:.0%}" for a, share in breakdown["areas"].items()),
            flush=True,
        )
    return info


# ---------------------------------------------------------------------------------------------
# The request-register export (one child process per run)
# ---------------------------------------------------------------------------------------------

LIST_ORDER = ("-accepted_on", "-id")  # centers.selectors.proxy_requests_for_user


def baseline_rows(requests):
    """The register's columns as plain values (codes where the export shows labels), read as the export
    reads them (centers.exports.REQUEST_FIELDS), materials joined to text."""
    from centers.exports import REQUEST_FIELDS

    materials = REQUEST_FIELDS.index("materials_received")
    for row in requests.values_list(*REQUEST_FIELDS).iterator(chunk_size=2000):
        row = list(row)
        row[materials] = "、".join(row[materials])
        yield row


def export_baseline(requests) -> tuple[bytes, int]:
    """openpyxl write-only fed straight from ``values_list`` of the same rows: a header and plain values,
    no title, styles, widths, filter or totals."""
    import io

    from openpyxl import Workbook

    from centers.exports import REQUEST_HEADER

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("代办登记")
    sheet.append(REQUEST_HEADER)
    count = 0
    for row in baseline_rows(requests):
        sheet.append(row)
        count += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count


def export_child(kind: str, options: Options) -> None:
    """Builds the register once and prints one JSON line: seconds, bytes, rows, peak RSS over the
    process's RSS before the run. ``app``: centers.exports.proxy_requests_to_xlsx; ``baseline``:
    export_baseline; ``app-rows`` / ``baseline-rows``: the same without openpyxl (rows dropped)."""
    django_setup()
    from django.db import connection

    from centers.exports import proxy_requests_to_xlsx
    from centers.models import ProxyRequest

    connection.ensure_connection()
    requests = ProxyRequest.objects.all().order_by(*LIST_ORDER)
    rows = requests.count()
    import gc

    gc.collect()
    reset_peak_rss()
    rss_base = rss_mb()
    if options.tracemalloc:
        import tracemalloc

        tracemalloc.start()
    profiler = None
    if options.export_profile is not None:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    if kind == "app":
        data = proxy_requests_to_xlsx(requests)
    elif kind == "baseline":
        data, rows = export_baseline(requests)
    elif kind == "app-rows":
        from centers.exports import proxy_request_rows

        data, rows = b"", sum(1 for _ in proxy_request_rows(requests, reveal=False))
    else:
        data, rows = b"", sum(1 for _ in baseline_rows(requests))
    seconds = time.perf_counter() - started
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(options.export_profile)
    traced = None
    if options.tracemalloc:
        import tracemalloc

        traced = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    rss_peak = peak_rss_mb()
    print(
        json.dumps(
            {
                "kind": kind,
                "rows": rows,
                "seconds": seconds,
                "bytes": len(data),
                "rss_base_mb": rss_base,
                "rss_peak_mb": rss_peak,
                "rss_delta_mb": rss_peak - rss_base,
                "tracemalloc_peak_mb": traced,
            }
        )
    )


def export_run(
    kind: str, options: Options, *, tracemalloc: bool = False, profile: Path | None = None
) -> dict:
    from django.db import connections

    connections.close_all()
    command = [sys.executable, __file__, "--export-child", kind, "--out", str(options.out)]
    if tracemalloc:
        command.append("--tracemalloc")
    if profile is not None:
        command += ["--export-profile", str(profile)]
    child = subprocess.run(command, capture_output=True, text=True, check=False)
    if child.returncode != 0:
        raise SystemExit(f"export child ({kind}) failed:\n{child.stderr[-4000:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def run_export(options: Options) -> dict:
    """Alternates app and baseline runs (``export_repeats`` each, one process per run); medians and peaks.
    With --tracemalloc one more traced run of each, and with --export-profile a cProfile of the app's."""
    runs: dict[str, list[dict]] = {"app": [], "baseline": []}
    print(
        f"\n== request register export ({options.export_repeats} runs each, one process per run); "
        f"load average {load()}",
        flush=True,
    )
    for n in range(options.export_repeats):
        for kind in ("app", "baseline") if n % 2 == 0 else ("baseline", "app"):
            run = export_run(kind, options)
            runs[kind].append(run)
            print(
                f"   {kind:<8} {run['rows']} rows  {run['seconds']:6.2f} s  {run['bytes'] / 2**20:5.1f} MB xlsx  "
                f"peak RSS +{run['rss_delta_mb']:.0f} MB (process {run['rss_peak_mb']:.0f} MB)",
                flush=True,
            )
    info = {"runs": runs, "rows": runs["app"][0]["rows"]}
    for kind, kind_runs in runs.items():
        info[kind] = {
            "seconds": sorted(r["seconds"] for r in kind_runs)[len(kind_runs) // 2],
            "rss_delta_mb": max(r["rss_delta_mb"] for r in kind_runs),
            "rss_peak_mb": max(r["rss_peak_mb"] for r in kind_runs),
            "bytes": kind_runs[0]["bytes"],
        }
    for kind in ("app-rows", "baseline-rows"):
        info[kind] = export_run(kind, options)
        print(
            f"   {kind:<13} {info[kind]['seconds']:6.2f} s (rows fetched and built, not written)", flush=True
        )
    if options.tracemalloc:
        for kind in runs:
            traced = export_run(kind, options, tracemalloc=True)
            info[kind]["tracemalloc_peak_mb"] = traced["tracemalloc_peak_mb"]
            print(
                f"   {kind:<8} tracemalloc peak {traced['tracemalloc_peak_mb']:.0f} MB "
                f"({traced['seconds']:.2f} s traced)",
                flush=True,
            )
    if options.export_profile is not None:
        import pstats

        export_run("app", options, profile=options.export_profile)
        print(f"   cProfile of the app export: {options.export_profile}; top functions by own time:")
        stats = pstats.Stats(str(options.export_profile))
        stats.sort_stats("tottime").print_stats(12)
    info["ratio"] = info["app"]["seconds"] / info["baseline"]["seconds"]
    info["load"] = load()
    return info


# ---------------------------------------------------------------------------------------------
# The province import (child process)
# ---------------------------------------------------------------------------------------------


def province_child(csv_path: Path, options: Options) -> None:
    """Imports ``csv_path`` into the (already migrated, empty) database, times a superuser's pages
    there, and prints one JSON line."""
    django_setup()
    from django.db import connection

    from accounts.models import User
    from centers.models import ServiceCenter
    from regions.models import Region
    from regions.services import regions_import

    connection.ensure_connection()
    rss_base = peak_rss_mb()
    if options.tracemalloc:
        import tracemalloc

        tracemalloc.start()
    profiler = None
    if options.profile is not None:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    rows = read_rows(csv_path)
    read_s = time.perf_counter() - started
    result = regions_import(rows=rows)
    total_s = time.perf_counter() - started
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(options.profile)
    traced_peak = None
    if options.tracemalloc:
        import tracemalloc

        traced_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    rss_peak = peak_rss_mb()
    info = {
        "rows": len(rows),
        "read_s": read_s,
        "total_s": total_s,
        "import_s": total_s - read_s,
        "created": result.created,
        "errors": result.errors[:5],
        "regions": Region.objects.count(),
        "centers": ServiceCenter.objects.count(),
        "rss_base_mb": rss_base,
        "rss_peak_mb": rss_peak,
        "tracemalloc_peak_mb": traced_peak / 2**20 if traced_peak is not None else None,
    }
    pages: list[PageResult] = []
    if options.province_requests and not result.errors:
        admin, _ = User.objects.get_or_create(
            username="bench_superuser",
            defaults={
                "real_name": "基准测试",
                "is_superuser": True,
                "is_staff": True,
                "must_change_password": False,
            },
        )
        first = {
            level: Region.objects.filter(level=level).order_by("code").first()
            for level in ("province", "city", "county", "township", "village")
        }
        targets = [(f"{level} page", region.get_absolute_url()) for level, region in first.items() if region]
        targets.append(("search 村", "/regions/search/?q=村"))
        import io
        from contextlib import redirect_stdout

        with redirect_stdout(io.StringIO()):  # this process's stdout carries only the JSON line
            pages = bench_user("province", "superuser", admin, targets, options, options.province_requests, 1)
    info["pages"] = [asdict(p) for p in pages]
    print(json.dumps(info))


def run_province(options: Options) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix="bench-province-"))
    rows = generate.generate_province(data_dir)
    print(
        f"\n== province import: {rows} rows ({data_dir / 'province.csv'}); load average {load()}", flush=True
    )
    migrate_s = fresh_database()
    from django.db import connections

    connections.close_all()
    command = [
        sys.executable,
        __file__,
        "--province-child",
        str(data_dir / "province.csv"),
        "--out",
        str(options.out),
        "--province-requests",
        str(options.province_requests),
    ]
    if options.tracemalloc:
        command.append("--tracemalloc")
    if options.profile is not None:
        command += ["--profile", str(options.profile)]
    child = subprocess.run(command, capture_output=True, text=True, check=False)
    shutil.rmtree(data_dir, ignore_errors=True)
    if child.returncode != 0:
        raise SystemExit(f"province import failed:\n{child.stderr[-4000:]}")
    info = json.loads(child.stdout.strip().splitlines()[-1])
    info["migrate_s"] = migrate_s
    info["load"] = load()
    print(
        f"   {info['rows']} rows: read {info['read_s']:.1f} s + import {info['import_s']:.1f} s = "
        f"{info['total_s']:.1f} s; peak RSS {info['rss_peak_mb']:.0f} MB "
        f"(before reading: {info['rss_base_mb']:.0f} MB)"
        + (f"; tracemalloc peak {info['tracemalloc_peak_mb']:.0f} MB" if info["tracemalloc_peak_mb"] else ""),
        flush=True,
    )
    if info["errors"]:
        print(f"   errors: {info['errors']}")
    for p in info["pages"]:
        print(
            f"  superuser          {p['page']:<15} {p['url']:<32} {p['status']}  {p['queries']:>3} queries  "
            f"p50 {p['p50']:7.1f} ms  p95 {p['p95']:7.1f} ms",
            flush=True,
        )
    return info


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def report(
    infos: list[dict],
    results: list[PageResult],
    province: dict | None,
    options: Options,
    export: dict | None = None,
    throughput: dict | None = None,
) -> None:
    print("\n" + "=" * 100)
    code = code_version()
    changed = options.code_at_start and code.rsplit("(", 1)[-1] != options.code_at_start.rsplit("(", 1)[-1]
    print(
        f"code {code}; {os.cpu_count()} CPUs"
        + (f"  -- CODE CHANGED DURING THE RUN (at start: {options.code_at_start})" if changed else "")
    )
    if infos:
        print("Data and imports")
        print(
            f"{'scale':<8}{'divisions':>10}{'villages':>10}{'posts':>8}{'migrate s':>11}{'divisions s':>13}"
            f"{'people s':>10}{'shifts':>9}{'requests':>10}{'events':>9}{'activity s':>12}{'matters':>9}"
            f"{'decision rows':>15}{'decisions s':>13}{'load avg at end':>18}"
        )
        for i in infos:
            print(
                f"{i['scale']:<8}{i['divisions']:>10}{i['villages']:>10}{i['posts']:>8}{i['migrate_s']:>11.1f}"
                f"{i['regions_import_s']:>13.2f}{i['people_import_s']:>10.1f}{i['shifts']:>9}{i['requests']:>10}"
                f"{i['events']:>9}{i['activity_s']:>12.1f}{i['matters']:>9}{i['decision_rows']:>15}"
                f"{i['decisions_s']:>13.1f}{i['load']:>18}"
            )
        for i in infos:
            d = i["decisions"]
            print(
                f"  {i['scale']}: {d['matters']} matters ({d['reproposals']} re-proposed; {d['by_status']}; stuck "
                f"{d['stuck']}, late {d['late']}), {d['meetings']} meetings, {d['attachments']} attachments, "
                f"{d['disclosures']} disclosures, {d['photos']} board photos, {d['amendments']} amendments, "
                f"{d['objections']} objections, {d['opinions']} opinions, {d['events']} timeline events, "
                f"{d['rosters']} rosters"
            )

    scales = list(dict.fromkeys(r.scale for r in results))
    equal = True
    if results:
        print(
            f"\nPages (queries and SQL ms from one request after {options.warmup} warm-up requests; "
            f"latency over {options.requests} requests)"
        )
        header = f"{'user':<18} {'page':<21} {'status':>6}"
        for s in scales:
            header += f" | {s + ' q':>9} {'sql ms':>7} {'p50 ms':>7} {'p95 ms':>7}"
        print(header)
        print("-" * len(header))
        by_key: dict[tuple[str, str], dict[str, PageResult]] = {}
        for r in results:
            by_key.setdefault((r.user, r.page), {})[r.scale] = r
        for (user, page), per_scale in by_key.items():
            statuses = "/".join(sorted({str(r.status) for r in per_scale.values()}))
            line = f"{user:<18} {page:<21} {statuses:>6}"
            for s in scales:
                r = per_scale.get(s)
                line += (
                    f" | {r.queries:>9} {r.sql_ms:>7.1f} {r.p50:>7.1f} {r.p95:>7.1f}"
                    if r
                    else f" | {'-':>9} {'-':>7} {'-':>7} {'-':>7}"
                )
            if len({r.queries for r in per_scale.values()}) > 1:
                equal = False
                line += "   <-- query count differs"
            print(line)
        redirects = {(r.scale, r.user): r.redirect_queries for r in results if r.redirect_queries is not None}
        print(
            "\nHome redirect (/ -> own region page) queries: "
            + ", ".join(f"{s}/{u}: {n}" for (s, u), n in redirects.items())
        )
        for user in dict.fromkeys(u for _, u in redirects):
            if len({redirects.get((s, user)) for s in scales}) > 1:
                equal = False
                print(f"  home redirect query count differs for {user}")
        repeated = [(r, n, s) for r in results for n, s in r.repeated]
        if repeated:
            print("\nSQL repeated within one request (same statement, other parameters; N+1 candidates):")
            for r, n, s in repeated:
                print(f"  {r.scale}/{r.user}/{r.page}: {n}x {s[:160]}")
        else:
            print("\nNo SQL statement repeated 3+ times within one request.")
        print(f"SQL of each page: {options.out / 'queries'}")
        slow = [r for r in results if r.p95 > PAGE_P95_LIMIT_MS]
        print(
            f"\np95 under {PAGE_P95_LIMIT_MS:.0f} ms: "
            + (
                "every page"
                if not slow
                else "no: " + "; ".join(f"{r.scale}/{r.user}/{r.page} {r.p95:.0f} ms" for r in slow)
            )
        )
        if len(scales) > 1:
            print(f"\nquery counts equal across scales: {'yes' if equal else 'no'}")
    if throughput is not None:
        print(
            f"\nThroughput under gunicorn: {throughput['kind']}, config.settings.production, "
            f"{throughput['clients']} client threads on keep-alive connections (load average at end "
            f"{throughput['load']})"
        )
        for name, run in throughput["runs"].items():
            total, cpu = run["total"], run["cpu"]
            n = max(1, total["requests"])
            print(
                f"  {name:<28} {total['rps']:6.1f} req/s ({total['requests']} in {run['seconds']:.1f} s)  "
                f"p50 {total['p50']:6.1f}  p95 {total['p95']:6.1f}  p99 {total['p99']:6.1f} ms  errors "
                f"{run['errors']}, non-200 {total['non_200']};  CPU ms per request: gunicorn "
                f"{cpu['workers_s'] * 1000 / n:.1f}, postgres {cpu['postgres_s'] * 1000 / n:.1f}, driver "
                f"{cpu['driver_s'] * 1000 / n:.1f}; machine busy {cpu['machine_busy']:.0%}"
            )
            if len(run["per_url"]) > 1:
                for url, figures in run["per_url"].items():
                    print(
                        f"    {url:<28} {figures['rps']:6.1f} req/s  p50 {figures['p50']:6.1f}  "
                        f"p95 {figures['p95']:6.1f} ms"
                    )
        both = throughput["runs"]["both"]["total"]["rps"]
        print(
            f"  target {THROUGHPUT_TARGET_RPS:.0f} req/s (both bulletins together): "
            f"{'met' if both >= THROUGHPUT_TARGET_RPS else 'MISSED'} ({both:.1f} req/s)"
        )
        print("  response headers: " + "; ".join(f"{k}: {v}" for k, v in throughput["headers"].items()))
        for name in ("township", "village"):
            b = throughput[f"breakdown_{name}"]
            print(
                f"  in-process {b['url']}: {b['total_ms']:.1f} ms (CPU {b['cpu_ms']:.1f} ms) = SQL {b['sql_ms']:.1f} ms "
                f"({b['queries']:.0f} queries; EXPLAIN ANALYZE "
                f"{'+'.join(f'{ms:.1f}' for ms, _ in b['explain'])} ms) + templates {b['render_ms']:.1f} ms + "
                f"rest {b['other_ms']:.1f} ms; cProfile in {b['profile']}"
            )
            print(
                "    own time under cProfile: "
                + ", ".join(f"{a} {share:.0%}" for a, share in b["areas"].items())
            )
        report_against_bare(throughput)
    if export is not None:
        app, base = export["app"], export["baseline"]
        print(
            f"\nRequest register export, {export['rows']} rows (median of {options.export_repeats} runs, "
            f"one process each; peak RSS = max over runs of the process's peak minus its RSS before the run):"
        )
        for kind, run in (
            ("centers.exports.proxy_requests_to_xlsx", app),
            ("baseline values_list + write-only", base),
        ):
            print(
                f"  {kind:<40} {run['seconds']:6.2f} s  peak RSS +{run['rss_delta_mb']:.0f} MB "
                f"(process {run['rss_peak_mb']:.0f} MB)"
                + (
                    f"  tracemalloc peak {run['tracemalloc_peak_mb']:.0f} MB"
                    if run.get("tracemalloc_peak_mb")
                    else ""
                )
                + f"  {run['bytes'] / 2**20:.1f} MB xlsx"
            )
        if "app-rows" in export:
            print(
                f"  without openpyxl (rows fetched and built, then dropped; one run each): app "
                f"{export['app-rows']['seconds']:.2f} s, baseline {export['baseline-rows']['seconds']:.2f} s"
            )
        print(
            f"  ratio {export['ratio']:.2f} (target under {EXPORT_RATIO_LIMIT}): "
            f"{'met' if export['ratio'] < EXPORT_RATIO_LIMIT else 'MISSED'}; peak memory "
            f"{'under' if app['rss_delta_mb'] < EXPORT_RSS_LIMIT_MB else 'OVER'} {EXPORT_RSS_LIMIT_MB:.0f} MB; "
            f"load average at end {export['load']}"
        )
    if province is not None:
        ok = province["total_s"] < PROVINCE_LIMIT_S
        print(
            f"\nProvince import: {province['rows']} rows in {province['total_s']:.1f} s "
            f"(read {province['read_s']:.1f} s, import {province['import_s']:.1f} s) - "
            f"{'under' if ok else 'OVER'} the {PROVINCE_LIMIT_S:.0f} s limit; "
            f"peak RSS {province['rss_peak_mb']:.0f} MB (process before reading {province['rss_base_mb']:.0f} MB)"
            + (
                f", tracemalloc peak {province['tracemalloc_peak_mb']:.0f} MB"
                if province.get("tracemalloc_peak_mb")
                else ""
            )
            + f"; {province['regions']} regions, {province['centers']} service centers; "
            f"load average at end {province['load']}"
        )
        if province["pages"]:
            print(
                f"\nSuperuser pages on the 55,000-region database (no people imported; "
                f"{options.province_requests} requests each)"
            )
            for p in province["pages"]:
                print(
                    f"  {p['page']:<15} {p['url']:<32} {p['status']}  {p['queries']:>3} queries  "
                    f"sql {p['sql_ms']:7.1f} ms  p50 {p['p50']:7.1f} ms  p95 {p['p95']:7.1f} ms"
                )


def report_against_bare(throughput: dict) -> None:
    """Each page against the bare page of its size (run right after it, same sessions) and /healthz/."""
    if not throughput.get("pages"):
        return
    healthz = throughput["runs"]["healthz"]

    def figures(run: dict) -> tuple[float, float, float, float]:
        total = run["total"]
        return (
            total["rps"],
            total["p50"],
            total["p95"],
            run["cpu"]["workers_s"] * 1000 / max(1, total["requests"]),
        )

    h_rps, h_p50, h_p95, h_cpu = figures(healthz)
    print(
        f"\nPages against the bare Django page of the same size (bench/urls.py: middleware, session and user, one "
        f"template; same sessions, run right after the page) and /healthz/ ({h_rps:.1f} req/s, p50 {h_p50:.1f}, "
        f"p95 {h_p95:.1f} ms, {h_cpu:.1f} ms gunicorn CPU a request). ratio = page req/s / bare req/s; CPU = "
        f"gunicorn workers' CPU ms a request, pg = PostgreSQL's"
    )
    header = (
        f"  {'page':<28} {'bytes':>7} | {'req/s':>7} {'p50':>6} {'p95':>6} {'CPU':>5} {'pg':>5} | {'bare':>7} "
        f"{'p50':>6} {'p95':>6} {'CPU':>5} | {'ratio':>5} {'p50 x':>6} {'CPU x':>6} | {'/healthz':>8}"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    for page in throughput["pages"]:
        p_rps, p_p50, p_p95, p_cpu = figures(page["page"])
        b_rps, b_p50, b_p95, b_cpu = figures(page["bare"])
        errors = (
            page["page"]["errors"]
            + page["page"]["total"]["non_200"]
            + page["bare"]["errors"]
            + page["bare"]["total"]["non_200"]
        )
        p_pg = page["page"]["cpu"]["postgres_s"] * 1000 / max(1, page["page"]["total"]["requests"])
        print(
            f"  {page['name']:<28} {page['bytes']:>7} | {p_rps:7.1f} {p_p50:6.1f} {p_p95:6.1f} {p_cpu:5.1f} "
            f"{p_pg:5.1f} | "
            f"{b_rps:7.1f} {b_p50:6.1f} {b_p95:6.1f} {b_cpu:5.1f} | {p_rps / b_rps if b_rps else 0:5.2f} "
            f"{p_p50 / b_p50 if b_p50 else 0:6.1f} {p_cpu / b_cpu if b_cpu else 0:6.1f} | "
            f"{p_rps / h_rps if h_rps else 0:8.2f}" + (f"  ({errors} errors or non-200)" if errors else "")
        )
    print("  " + "; ".join(f"{p['name']}: {p['url']}" for p in throughput["pages"]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", nargs="*", default=["county", "city"], choices=sorted(generate.SCALES))
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page (default 60)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (default 3)")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bench" / "out", help="generated data (git-ignored)"
    )
    parser.add_argument("--no-province", action="store_true", help="skip the 55,000-row import")
    parser.add_argument(
        "--province-requests",
        type=int,
        default=10,
        help="timed requests per superuser page on the province database (0: none)",
    )
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slower)")
    parser.add_argument("--profile", type=Path, help="cProfile the province import into this file")
    parser.add_argument(
        "--export-repeats",
        type=int,
        default=3,
        help="runs of each export, one process each (default 3; 0: none)",
    )
    parser.add_argument("--export-profile", type=Path, help="also cProfile one app export into this file")
    parser.add_argument(
        "--export-scale",
        default=EXPORT_SCALE,
        choices=sorted(generate.SCALES),
        help=f"scale at which the export is timed (default {EXPORT_SCALE})",
    )
    parser.add_argument("--no-throughput", action="store_true", help="skip the gunicorn run")
    parser.add_argument(
        "--throughput-only",
        action="store_true",
        help="only the gunicorn run, against the bench_portal already built (city scale)",
    )
    parser.add_argument(
        "--export-only",
        action="store_true",
        help="only the register export, against the bench_portal already built (any scale)",
    )
    parser.add_argument(
        "--throughput-scale",
        default=THROUGHPUT_SCALE,
        choices=sorted(generate.SCALES),
        help=f"scale whose database gunicorn serves (default {THROUGHPUT_SCALE})",
    )
    parser.add_argument(
        "--throughput-seconds",
        type=float,
        default=20.0,
        help="seconds of the run with both bulletins (each alone: half; default 20)",
    )
    parser.add_argument(
        "--throughput-clients", type=int, default=8, help="concurrent client threads (default 8)"
    )
    parser.add_argument("--throughput-workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument(
        "--throughput-threads",
        type=int,
        default=1,
        help="threads per worker; above 1 gunicorn uses gthread workers (default 1: sync)",
    )
    parser.add_argument(
        "--hostile-only",
        action="store_true",
        help="only bench/hostile.py (hostile spreadsheets: import cost, bulletin under hostile uploads)",
    )
    parser.add_argument("--province-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--export-child", choices=("app", "baseline", "app-rows", "baseline-rows"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    options = Options(
        requests=args.requests,
        warmup=args.warmup,
        out=args.out.resolve(),
        tracemalloc=args.tracemalloc,
        profile=args.profile,
        province_requests=args.province_requests,
        export_repeats=args.export_repeats,
        export_profile=args.export_profile.resolve() if args.export_profile else None,
        export_scale=args.export_scale,
        throughput=not args.no_throughput,
        throughput_scale=args.throughput_scale,
        throughput_seconds=args.throughput_seconds,
        throughput_clients=args.throughput_clients,
        throughput_workers=args.throughput_workers,
        throughput_threads=args.throughput_threads,
    )

    if args.hostile_only:
        # Its own process and database (bench_portal_hostile): this one's bench_portal is left as it is.
        env = {k: v for k, v in os.environ.items() if k != "BENCH_DB"}
        raise SystemExit(subprocess.call([sys.executable, str(ROOT / "bench" / "hostile.py")], env=env))
    if args.province_child:
        province_child(args.province_child, options)
        return
    if args.export_child:
        export_child(args.export_child, options)
        return

    options.code_at_start = code_version()
    print(f"code {options.code_at_start}; {os.cpu_count()} CPUs; load average {load()}", flush=True)
    django_setup()
    if args.throughput_only:
        report([], [], None, options, throughput=run_throughput(options))
        return
    if args.export_only:
        report([], [], None, options, run_export(options))
        return
    infos, results, export, throughput = [], [], None, None
    for scale in args.scales:
        info, pages = run_scale(scale, options)
        infos.append(info)
        results.extend(pages)
        if scale == options.throughput_scale and options.throughput:
            throughput = run_throughput(options)
        if scale == options.export_scale and options.export_repeats > 0:
            export = run_export(options)
    province = None if args.no_province else run_province(options)
    report(infos, results, province, options, export, throughput)


if __name__ == "__main__":
    main()
