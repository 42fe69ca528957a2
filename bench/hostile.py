"""Hostile spreadsheets (issue 11, section 1): what each costs to import, and whether the site stays up.

    .venv/bin/python bench/hostile.py [--seconds 20] [--clients 16] [--uploads 3]
    .venv/bin/python bench/run.py --hostile-only      # the same

1. For each hostile file of tests/spreadsheets/hostile_files.py, one child process (so its peak RSS is its
   own) reads it as the division import's upload page does (the registered kind's columns and row
   limit), and prints the seconds, the peak RSS above the process's size before reading, and the answer.
2. gunicorn with production settings (bench/settings_production.py, 3 sync workers, as bench/run.py starts
   it) serves the demo county (``seed_demo``) from its own database (``bench_portal_hostile``, or
   ``BENCH_DB``; ``--keep-db`` reuses it): the bulletin alone for half the run, then ``--clients`` threads request the public bulletin while ``--uploads`` threads keep
   posting hostile files to /regions/import/ as the county administrator (each thread its own file, one
   after another, for the whole run). Printed: the bulletin's requests, errors (connection errors and
   non-200 answers; must be 0) and latency, and the uploads' count, statuses and latency.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DB", "bench_portal_hostile")

from bench import run  # noqa: E402  (sets DATABASE_URL to BENCH_DB, settings to config.settings.test)
from tests.spreadsheets import hostile_files  # noqa: E402

UPLOADED = ("dimension_bomb", "shared_string_bomb", "deep_xml")  # the load's three uploads, in turn

_CHILD = """
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
import django
django.setup()
from bench.run import peak_rss_mb, reset_peak_rss, rss_mb
from spreadsheets.imports import IMPORT_KINDS, import_rows
from spreadsheets.reading import TableReadError
data = open(sys.argv[2], "rb").read()
reset_peak_rss()  # VmHWM from here: the reading's own peak (ru_maxrss would carry this bench's across exec)
base = rss_mb()
started = time.perf_counter()
try:
    answer = f"{len(import_rows(IMPORT_KINDS['regions'], data, 't.xlsx'))} rows"
except TableReadError as exc:
    answer = str(exc)
seconds = time.perf_counter() - started
peak = peak_rss_mb()
print(json.dumps({"seconds": seconds, "extra_mb": peak - base, "peak_mb": peak, "answer": answer}))
"""


def files_part(out: Path) -> list[dict]:
    print("\n== hostile files: the division import's reader, one child process each", flush=True)
    print(f"   {'file':<22} {'bytes':>9} {'seconds':>8} {'peak MB':>8} {'extra MB':>9}  answer", flush=True)
    results = []
    for name, make in hostile_files.HOSTILE_FILES.items():
        path = out / f"{name}.xlsx"
        path.write_bytes(make())
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(ROOT), str(path)],
            capture_output=True,
            text=True,
            timeout=300,
            env=os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings.test"},
            check=False,
        )
        if done.returncode != 0:
            print(f"   {name:<22} child failed:\n{done.stderr[-2000:]}", flush=True)
            continue
        figures = json.loads(done.stdout.strip().splitlines()[-1]) | {
            "file": name,
            "bytes": path.stat().st_size,
        }
        results.append(figures)
        print(
            f"   {name:<22} {figures['bytes']:>9} {figures['seconds']:>8.2f} {figures['peak_mb']:>8.0f}"
            f" {figures['extra_mb']:>9.1f}  {figures['answer']}",
            flush=True,
        )
    return results


def _multipart(fields: dict[str, str], filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _uploader(port: int, cookie: str, data: bytes, deadline: float, samples: list) -> None:
    """Posts ``data`` to the division import again and again until ``deadline``, as a browser would: the
    form page first for its CSRF token, then the upload."""
    headers = run.PROXY_HEADERS | {"Cookie": cookie}
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            conn.request("GET", "/regions/import/", headers=headers)
            page = conn.getresponse()
            body = page.read().decode()
            csrf_cookie = next(
                (
                    v.split(";")[0]
                    for k, v in page.getheaders()
                    if k.lower() == "set-cookie" and "csrftoken=" in v
                ),
                "",
            )
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
            payload, content_type = _multipart({"csrfmiddlewaretoken": token}, "t.xlsx", data)
            conn.request(
                "POST",
                "/regions/import/",
                body=payload,
                headers=headers
                | {
                    "Cookie": f"{cookie}; {csrf_cookie}" if csrf_cookie else cookie,
                    "Content-Type": content_type,
                    "Origin": "https://127.0.0.1",
                    "Referer": "https://127.0.0.1/regions/import/",
                },
            )
            answer = conn.getresponse()
            text = answer.read().decode(errors="replace")
            refused = "field-errors" in text
            samples.append((answer.status, time.perf_counter() - started, refused))
            conn.close()
        except (OSError, http.client.HTTPException, AttributeError) as exc:
            samples.append((f"error {type(exc).__name__}", time.perf_counter() - started, False))


def _seeded() -> bool:
    from django.db import connection
    from django.db.utils import DatabaseError

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM accounts_user WHERE username = 'county_org'")
            return cursor.fetchone() is not None
    except DatabaseError:
        return False


def load_part(options: run.Options, seconds: float, clients: int, uploads: int, keep_db: bool) -> dict:
    from django.core.management import call_command

    from accounts.models import User
    from regions.models import Region

    print(
        f"\n== load: {clients} clients on the bulletin while {uploads} hostile uploads are in flight",
        flush=True,
    )
    started = time.perf_counter()
    if keep_db and _seeded():
        call_command("migrate", verbosity=0)
        print(f"   database {run.DB_NAME}: kept (--keep-db)", flush=True)
    else:
        run.recreate_database()
        call_command("migrate", verbosity=0)
        call_command("seed_demo", verbosity=0)
        seeded = time.perf_counter() - started
        print(f"   database {run.DB_NAME}: migrated and seeded in {seeded:.0f} s", flush=True)
    village = Region.objects.filter(level="village").order_by("code").first()
    bulletin = f"/bulletin/{village.code}/"
    env = run.production_env(options)
    run.flush_throughput_cache()
    cookie = run.signed_in_cookies(User.objects.get(username="county_org"), env["DJANGO_SECRET_KEY"], 1)[0]
    port = run.free_port()
    options.out.mkdir(parents=True, exist_ok=True)
    server = run.start_gunicorn(options, port, options.out / "gunicorn-hostile.log", env)
    try:
        status, _, body = run.http_get(port, bulletin)
        print(
            f"   GET {bulletin} -> {status}, {len(body)} bytes; gunicorn {options.throughput_workers} workers"
        )
        run.drive(port, [bulletin], 3, clients)  # warm-up
        alone = run.drive(port, [bulletin], seconds / 2, clients)["total"]
        print(
            f"   bulletin alone: {alone['requests']} requests in {seconds / 2:.0f} s ({alone['rps']:.1f}/s),"
            f" non-200 {alone['non_200']}, p50 {alone['p50']:.0f} ms, p95 {alone['p95']:.0f} ms",
            flush=True,
        )
        files = [hostile_files.HOSTILE_FILES[UPLOADED[i % len(UPLOADED)]]() for i in range(uploads)]
        samples: list[list] = [[] for _ in range(uploads)]
        deadline = time.perf_counter() + seconds
        threads = [
            threading.Thread(
                target=_uploader, args=(port, cookie, files[i], deadline, samples[i]), daemon=True
            )
            for i in range(uploads)
        ]
        for thread in threads:
            thread.start()
        result = run.drive(port, [bulletin], seconds, clients)
        for thread in threads:
            thread.join(timeout=150)
    finally:
        run.stop_gunicorn(server)
    total = result["total"]
    errors = result["errors"] + total["non_200"]
    flat = [s for own in samples for s in own]
    statuses: dict[str, int] = {}
    for status, _, _ in flat:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    times = sorted(t for _, t, _ in flat)
    summary = {
        "bulletin_alone": {"requests": alone["requests"], "rps": alone["rps"], "p95_ms": alone["p95"]},
        "bulletin": {
            "requests": total["requests"],
            "errors": errors,
            "rps": total["rps"],
            "p50_ms": total["p50"],
            "p95_ms": total["p95"],
            "max_ms": total["max"],
        },
        "uploads": {
            "count": len(flat),
            "statuses": statuses,
            "refused_with_message": sum(1 for *_, refused in flat if refused),
            "p50_s": times[len(times) // 2] if times else 0.0,
            "max_s": times[-1] if times else 0.0,
        },
    }
    b, u = summary["bulletin"], summary["uploads"]
    print(
        f"   bulletin: {b['requests']} requests in {seconds:.0f} s ({b['rps']:.1f}/s), errors {b['errors']}"
        f" (must be 0), p50 {b['p50_ms']:.0f} ms, p95 {b['p95_ms']:.0f} ms, max {b['max_ms']:.0f} ms",
        flush=True,
    )
    print(
        f"   hostile uploads ({', '.join(UPLOADED[:uploads])}): {u['count']} answered {u['statuses']},"
        f" {u['refused_with_message']} with the refusal shown; p50 {u['p50_s']:.2f} s, max {u['max_s']:.2f} s",
        flush=True,
    )
    return summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the load run (default 20)")
    parser.add_argument("--clients", type=int, default=16, help="bulletin client threads (default 16)")
    parser.add_argument("--uploads", type=int, default=3, help="hostile uploads in flight (default 3)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--keep-db", action="store_true", help="reuse a seeded database (saves ~5 min)")
    args = parser.parse_args(argv)
    options = run.Options(out=args.out, throughput_workers=args.workers)
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"hostile spreadsheets bench; code {run.code_version()}; load average {run.load()}", flush=True)
    files = files_part(args.out)
    run.django_setup()
    load = load_part(options, args.seconds, args.clients, args.uploads, args.keep_db)
    (args.out / "hostile.json").write_text(
        json.dumps({"files": files, "load": load}, indent=2, ensure_ascii=False)
    )
    if load["bulletin"]["errors"]:
        raise SystemExit(f"the bulletin answered {load['bulletin']['errors']} errors under hostile uploads")


if __name__ == "__main__":
    main()
