"""Page benchmark at county and city scale, the request-register export, and a 55,000-row division import.

    .venv/bin/python bench/run.py [--scales county city] [--requests 60] [--no-province] [--export-repeats 3]

Runs under config.settings.test against its own database ``bench_portal`` (dropped and
re-created for every scale, and for the province import), never the development database.
For each scale it imports the generated divisions and people with the real services, adds a
year of duty shifts and proxy requests (bench/activity.py), then requests each page as a county administrator, a township officer and a village secretary
through django.test.Client and prints, per page: HTTP status, SQL query count, time spent in
SQL, p50/p95 latency over N requests (after warm-up), and any SQL statement repeated with
different parameters (the N+1 signature). Query counts must not depend on the scale; the SQL
of every measured page is written to ``<out>/queries/<scale>/``, with EXPLAIN ANALYZE of the
slowest statement of any page whose p95 misses the target.

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
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = "bench_portal"
SERVER_URL = "postgres://postgres@127.0.0.1:5432"
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
os.environ["DATABASE_URL"] = f"{SERVER_URL}/{DB_NAME}"  # never the development database
os.environ.setdefault("LOG_LEVEL", "WARNING")

from bench import activity, generate  # noqa: E402

PROVINCE_LIMIT_S = 60.0
PAGE_P95_LIMIT_MS = 300.0
EXPORT_RATIO_LIMIT = 1.3
EXPORT_RSS_LIMIT_MB = 200.0
EXPORT_SCALE = "city"


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
    match = re.search(rf"^{key}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M) \
        if Path("/proc/self/status").exists() else None
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
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = "+changes" if git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)bench") else ""
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
        dump.write_text(f"-- GET {url} -> {response.status_code}, {len(queries)} queries\n\n" + "".join(
            f"-- {i}: {float(q['time']) * 1000:.1f} ms\n{q['sql']};\n\n" for i, q in enumerate(queries, 1)),
            encoding="utf-8")
    shapes = Counter(sql_shape(q["sql"]) for q in queries)
    repeated = sorted(((n, s) for s, n in shapes.items() if n >= 3), reverse=True)
    sql_ms = sum(float(q["time"]) for q in queries) * 1000
    slowest = max(queries, key=lambda q: float(q["time"]))["sql"] if queries else None
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return (response.status_code, len(queries), sql_ms, percentile(timings, 0.5), percentile(timings, 0.95), repeated,
            slowest)


def explain(sql: str, path: Path) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of one captured statement (its literals are already in the text)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    path.write_text(f"{sql};\n\n{plan}\n", encoding="utf-8")


def bench_user(scale: str, label: str, user, pages: list[tuple[str, str | None]], options: Options,
               requests: int, warmup: int) -> list[PageResult]:
    """Measures each (page, url) for ``user``; url None is the home page, measured where / redirects."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
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
        results.append(PageResult(scale, label, page, url, status, queries, sql_ms, p50, p95, repeated,
                                  redirect_queries))
        note = ""
        if p95 > PAGE_P95_LIMIT_MS and slowest and slowest.lstrip().upper().startswith("SELECT"):
            plan = dump.with_suffix(".explain.txt")
            explain(slowest, plan)
            note = f"  (p95 over {PAGE_P95_LIMIT_MS:.0f} ms: plan of its slowest query in {plan.name})"
        print(f"  {label:<18} {page:<15} {url:<40} {status}  {queries:>3} queries  "
              f"p50 {p50:7.1f} ms  p95 {p95:7.1f} ms{note}", flush=True)
    return results


def bench_pages(scale: str, options: Options) -> list[PageResult]:
    from accounts.models import User
    from centers.models import ProxyRequest, Region

    county = Region.objects.get(code=generate.FIRST_COUNTY_CODE)
    township = Region.objects.filter(parent=county).order_by("code").first()
    village = Region.objects.filter(parent=township).order_by("code").first()
    users = {
        "county admin": User.objects.get(username=f"county{county.code[:6]}"),
        "township officer": User.objects.get(username=f"town{township.code[:9]}"),
        "village secretary": User.objects.get(username=f"sec{village.code}"),
    }
    # A request every one of the three users may see: the measured village's first one in progress.
    request = (ProxyRequest.objects.filter(village=village, status=ProxyRequest.Status.IN_PROGRESS)
               .order_by("id").first())
    if request is None:
        raise SystemExit(f"no request in progress at {village.code}")
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
    ]
    results = []
    for label, user in users.items():
        results += bench_user(scale, label, user, pages, options, options.requests, options.warmup)
    return results


# ---------------------------------------------------------------------------------------------
# One scale
# ---------------------------------------------------------------------------------------------

def run_scale(scale: str, options: Options) -> tuple[dict, list[PageResult]]:
    from accounts.models import User
    from centers.models import Post, Region, ServiceCenter
    from centers.services import people_import, regions_import

    data_dir = options.out / scale
    counts = generate.generate(scale, data_dir)
    print(f"\n== {scale}: {counts['divisions']} divisions ({counts['villages']} villages), "
          f"{counts['people']} people ({data_dir}); load average {load()}", flush=True)
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

    info = {"scale": scale, "divisions": counts["divisions"], "villages": counts["villages"],
            "people": counts["people"], "migrate_s": migrate_s, "regions_import_s": regions_s,
            "people_import_s": people_s, "regions": Region.objects.count(),
            "centers": ServiceCenter.objects.count(), "posts": Post.objects.count()}
    print(f"   migrate {migrate_s:.1f} s; divisions import {regions_s:.2f} s ({info['regions']} regions, "
          f"{info['centers']} centers); people import {people_s:.1f} s ({info['posts']} posts)", flush=True)
    made = activity.populate(progress=lambda line: print(line, flush=True))
    info.update(shifts=made["shifts"], requests=made["requests"], steps=made["steps"], activity_s=made["total_s"])
    print(f"   activity: {made['shifts']} shifts, {made['requests']} requests, {made['steps']} steps "
          f"in {made['total_s']:.1f} s (with ANALYZE)", flush=True)
    pages = bench_pages(scale, options)
    info["load"] = load()
    return info, pages


# ---------------------------------------------------------------------------------------------
# The request-register export (one child process per run)
# ---------------------------------------------------------------------------------------------

# The register's 17 columns as plain values, for the baseline (codes where the export shows labels).
BASELINE_FIELDS = ("number", "village__name", "item__name", "item__handling_way", "applicant_name", "applicant_phone",
                   "applicant_id_number", "materials_received", "accepted_on", "promised_date", "status",
                   "accepted_by__real_name", "handler__real_name", "finished_on", "working_days_taken", "result",
                   "satisfaction")
LIST_ORDER = ("-accepted_on", "-id")  # centers.selectors.proxy_requests_for_user


def export_baseline(requests) -> tuple[bytes, int]:
    """openpyxl write-only fed straight from ``values_list`` of the same rows (materials joined to text)."""
    import io

    from openpyxl import Workbook

    from centers.exports import REQUEST_HEADER

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("代办登记")
    sheet.append(REQUEST_HEADER)
    count = 0
    for row in requests.values_list(*BASELINE_FIELDS).iterator(chunk_size=2000):
        row = list(row)
        row[7] = "、".join(row[7])
        sheet.append(row)
        count += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count


class NullSheet:
    """A sheet that drops its rows: what is left of an export is fetching and building the rows."""

    def append(self, row) -> None:
        pass


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
        from centers.exports import proxy_requests_write

        data, rows = b"", proxy_requests_write(requests, NullSheet(), reveal=False)
    else:
        data, rows = b"", 0
        for row in requests.values_list(*BASELINE_FIELDS).iterator(chunk_size=2000):
            row = list(row)
            row[7] = "、".join(row[7])
            rows += 1
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
    print(json.dumps({"kind": kind, "rows": rows, "seconds": seconds, "bytes": len(data),
                      "rss_base_mb": rss_base, "rss_peak_mb": rss_peak,
                      "rss_delta_mb": rss_peak - rss_base, "tracemalloc_peak_mb": traced}))


def export_run(kind: str, options: Options, *, tracemalloc: bool = False, profile: Path | None = None) -> dict:
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
    print(f"\n== request register export ({options.export_repeats} runs each, one process per run); "
          f"load average {load()}", flush=True)
    for n in range(options.export_repeats):
        for kind in (("app", "baseline") if n % 2 == 0 else ("baseline", "app")):
            run = export_run(kind, options)
            runs[kind].append(run)
            print(f"   {kind:<8} {run['rows']} rows  {run['seconds']:6.2f} s  {run['bytes'] / 2**20:5.1f} MB xlsx  "
                  f"peak RSS +{run['rss_delta_mb']:.0f} MB (process {run['rss_peak_mb']:.0f} MB)", flush=True)
    info = {"runs": runs, "rows": runs["app"][0]["rows"]}
    for kind, kind_runs in runs.items():
        info[kind] = {"seconds": sorted(r["seconds"] for r in kind_runs)[len(kind_runs) // 2],
                      "rss_delta_mb": max(r["rss_delta_mb"] for r in kind_runs),
                      "rss_peak_mb": max(r["rss_peak_mb"] for r in kind_runs),
                      "bytes": kind_runs[0]["bytes"]}
    for kind in ("app-rows", "baseline-rows"):
        info[kind] = export_run(kind, options)
        print(f"   {kind:<13} {info[kind]['seconds']:6.2f} s (rows fetched and built, not written)", flush=True)
    if options.tracemalloc:
        for kind in runs:
            traced = export_run(kind, options, tracemalloc=True)
            info[kind]["tracemalloc_peak_mb"] = traced["tracemalloc_peak_mb"]
            print(f"   {kind:<8} tracemalloc peak {traced['tracemalloc_peak_mb']:.0f} MB "
                  f"({traced['seconds']:.2f} s traced)", flush=True)
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
    from centers.models import Region, ServiceCenter
    from centers.services import regions_import

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
        "rows": len(rows), "read_s": read_s, "total_s": total_s, "import_s": total_s - read_s,
        "created": result.created, "errors": result.errors[:5],
        "regions": Region.objects.count(), "centers": ServiceCenter.objects.count(),
        "rss_base_mb": rss_base, "rss_peak_mb": rss_peak,
        "tracemalloc_peak_mb": traced_peak / 2**20 if traced_peak is not None else None,
    }
    pages: list[PageResult] = []
    if options.province_requests and not result.errors:
        admin = User.objects.create(username="bench_superuser", real_name="基准测试", is_superuser=True,
                                    is_staff=True, must_change_password=False)
        first = {level: Region.objects.filter(level=level).order_by("code").first()
                 for level in ("province", "city", "county", "township", "village")}
        targets = [(f"{level} page", region.get_absolute_url()) for level, region in first.items()]
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
    print(f"\n== province import: {rows} rows ({data_dir / 'province.csv'}); load average {load()}", flush=True)
    migrate_s = fresh_database()
    from django.db import connections

    connections.close_all()
    command = [sys.executable, __file__, "--province-child", str(data_dir / "province.csv"),
               "--out", str(options.out), "--province-requests", str(options.province_requests)]
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
    print(f"   {info['rows']} rows: read {info['read_s']:.1f} s + import {info['import_s']:.1f} s = "
          f"{info['total_s']:.1f} s; peak RSS {info['rss_peak_mb']:.0f} MB "
          f"(before reading: {info['rss_base_mb']:.0f} MB)"
          + (f"; tracemalloc peak {info['tracemalloc_peak_mb']:.0f} MB" if info["tracemalloc_peak_mb"] else ""),
          flush=True)
    if info["errors"]:
        print(f"   errors: {info['errors']}")
    for p in info["pages"]:
        print(f"  superuser          {p['page']:<15} {p['url']:<32} {p['status']}  {p['queries']:>3} queries  "
              f"p50 {p['p50']:7.1f} ms  p95 {p['p95']:7.1f} ms", flush=True)
    return info


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

def report(infos: list[dict], results: list[PageResult], province: dict | None, options: Options,
           export: dict | None = None) -> None:
    print("\n" + "=" * 100)
    code = code_version()
    changed = options.code_at_start and code.rsplit("(", 1)[-1] != options.code_at_start.rsplit("(", 1)[-1]
    print(f"code {code}; {os.cpu_count()} CPUs"
          + (f"  -- CODE CHANGED DURING THE RUN (at start: {options.code_at_start})" if changed else ""))
    print("Data and imports")
    print(f"{'scale':<8}{'divisions':>10}{'villages':>10}{'posts':>8}{'migrate s':>11}{'divisions s':>13}"
          f"{'people s':>10}{'shifts':>9}{'requests':>10}{'steps':>9}{'activity s':>12}{'load avg at end':>18}")
    for i in infos:
        print(f"{i['scale']:<8}{i['divisions']:>10}{i['villages']:>10}{i['posts']:>8}{i['migrate_s']:>11.1f}"
              f"{i['regions_import_s']:>13.2f}{i['people_import_s']:>10.1f}{i['shifts']:>9}{i['requests']:>10}"
              f"{i['steps']:>9}{i['activity_s']:>12.1f}{i['load']:>18}")

    scales = list(dict.fromkeys(r.scale for r in results))
    equal = True
    if results:
        print(f"\nPages (queries and SQL ms from one request after {options.warmup} warm-up requests; "
              f"latency over {options.requests} requests)")
        header = f"{'user':<18} {'page':<15} {'status':>6}"
        for s in scales:
            header += f" | {s + ' q':>9} {'sql ms':>7} {'p50 ms':>7} {'p95 ms':>7}"
        print(header)
        print("-" * len(header))
        by_key: dict[tuple[str, str], dict[str, PageResult]] = {}
        for r in results:
            by_key.setdefault((r.user, r.page), {})[r.scale] = r
        for (user, page), per_scale in by_key.items():
            statuses = "/".join(sorted({str(r.status) for r in per_scale.values()}))
            line = f"{user:<18} {page:<15} {statuses:>6}"
            for s in scales:
                r = per_scale.get(s)
                line += (f" | {r.queries:>9} {r.sql_ms:>7.1f} {r.p50:>7.1f} {r.p95:>7.1f}" if r
                         else f" | {'-':>9} {'-':>7} {'-':>7} {'-':>7}")
            if len({r.queries for r in per_scale.values()}) > 1:
                equal = False
                line += "   <-- query count differs"
            print(line)
        redirects = {(r.scale, r.user): r.redirect_queries for r in results if r.redirect_queries is not None}
        print("\nHome redirect (/ -> own region page) queries: "
              + ", ".join(f"{s}/{u}: {n}" for (s, u), n in redirects.items()))
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
        print(f"\np95 under {PAGE_P95_LIMIT_MS:.0f} ms: "
              + ("every page" if not slow else "no: " + "; ".join(
                  f"{r.scale}/{r.user}/{r.page} {r.p95:.0f} ms" for r in slow)))
        if len(scales) > 1:
            print(f"\nquery counts equal across scales: {'yes' if equal else 'no'}")
    if export is not None:
        app, base = export["app"], export["baseline"]
        print(f"\nRequest register export, {export['rows']} rows (median of {options.export_repeats} runs, "
              f"one process each; peak RSS = max over runs of the process's peak minus its RSS before the run):")
        for kind, run in (("centers.exports.proxy_requests_to_xlsx", app), ("baseline values_list + write-only", base)):
            print(f"  {kind:<40} {run['seconds']:6.2f} s  peak RSS +{run['rss_delta_mb']:.0f} MB "
                  f"(process {run['rss_peak_mb']:.0f} MB)"
                  + (f"  tracemalloc peak {run['tracemalloc_peak_mb']:.0f} MB" if run.get("tracemalloc_peak_mb") else "")
                  + f"  {run['bytes'] / 2**20:.1f} MB xlsx")
        if "app-rows" in export:
            print(f"  without openpyxl (rows fetched and built, then dropped; one run each): app "
                  f"{export['app-rows']['seconds']:.2f} s, baseline {export['baseline-rows']['seconds']:.2f} s")
        print(f"  ratio {export['ratio']:.2f} (target under {EXPORT_RATIO_LIMIT}): "
              f"{'met' if export['ratio'] < EXPORT_RATIO_LIMIT else 'MISSED'}; peak memory "
              f"{'under' if app['rss_delta_mb'] < EXPORT_RSS_LIMIT_MB else 'OVER'} {EXPORT_RSS_LIMIT_MB:.0f} MB; "
              f"load average at end {export['load']}")
    if province is not None:
        ok = province["total_s"] < PROVINCE_LIMIT_S
        print(f"\nProvince import: {province['rows']} rows in {province['total_s']:.1f} s "
              f"(read {province['read_s']:.1f} s, import {province['import_s']:.1f} s) - "
              f"{'under' if ok else 'OVER'} the {PROVINCE_LIMIT_S:.0f} s limit; "
              f"peak RSS {province['rss_peak_mb']:.0f} MB (process before reading {province['rss_base_mb']:.0f} MB)"
              + (f", tracemalloc peak {province['tracemalloc_peak_mb']:.0f} MB"
                 if province.get("tracemalloc_peak_mb") else "")
              + f"; {province['regions']} regions, {province['centers']} service centers; "
              f"load average at end {province['load']}")
        if province["pages"]:
            print(f"\nSuperuser pages on the 55,000-region database (no people imported; "
                  f"{options.province_requests} requests each)")
            for p in province["pages"]:
                print(f"  {p['page']:<15} {p['url']:<32} {p['status']}  {p['queries']:>3} queries  "
                      f"sql {p['sql_ms']:7.1f} ms  p50 {p['p50']:7.1f} ms  p95 {p['p95']:7.1f} ms")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", nargs="*", default=["county", "city"], choices=sorted(generate.SCALES))
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page (default 60)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (default 3)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="generated data (git-ignored)")
    parser.add_argument("--no-province", action="store_true", help="skip the 55,000-row import")
    parser.add_argument("--province-requests", type=int, default=10,
                        help="timed requests per superuser page on the province database (0: none)")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slower)")
    parser.add_argument("--profile", type=Path, help="cProfile the province import into this file")
    parser.add_argument("--export-repeats", type=int, default=3,
                        help="runs of each export, one process each (default 3; 0: none)")
    parser.add_argument("--export-profile", type=Path, help="also cProfile one app export into this file")
    parser.add_argument("--export-scale", default=EXPORT_SCALE, choices=sorted(generate.SCALES),
                        help=f"scale at which the export is timed (default {EXPORT_SCALE})")
    parser.add_argument("--province-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--export-child", choices=("app", "baseline", "app-rows", "baseline-rows"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    options = Options(requests=args.requests, warmup=args.warmup, out=args.out.resolve(),
                      tracemalloc=args.tracemalloc, profile=args.profile,
                      province_requests=args.province_requests, export_repeats=args.export_repeats,
                      export_profile=args.export_profile.resolve() if args.export_profile else None,
                      export_scale=args.export_scale)

    if args.province_child:
        province_child(args.province_child, options)
        return
    if args.export_child:
        export_child(args.export_child, options)
        return

    options.code_at_start = code_version()
    print(f"code {options.code_at_start}; {os.cpu_count()} CPUs; load average {load()}", flush=True)
    django_setup()
    infos, results, export = [], [], None
    for scale in args.scales:
        info, pages = run_scale(scale, options)
        infos.append(info)
        results.extend(pages)
        if scale == options.export_scale and options.export_repeats > 0:
            export = run_export(options)
    province = None if args.no_province else run_province(options)
    report(infos, results, province, options, export)


if __name__ == "__main__":
    main()
