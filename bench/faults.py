"""Fault drill (issue 11): gunicorn with production settings under load while Redis stops for 30 s and
PostgreSQL restarts. Prints the errors during and after each fault (after must be 0) and the writes lost
(acknowledged but not stored: must be 0).

Everything runs on private servers started here and removed afterwards, so the shared ones are never
stopped: a PostgreSQL cluster made with initdb in a temporary directory (port 5499, the binaries of
/usr/lib/postgresql/*/bin, run as the ``postgres`` user when this runs as root) and a redis-server (port
6390) whose data is kept on disk, so that the restarted Redis still holds what it held (the harder case
for stale entries). The portal is migrated and seeded with ``seed_demo``; gunicorn (3 workers) runs
bench/settings_production.py (config.settings.production) against them, with TRUSTED_PROXY_COUNT=1 so
that each villager of the drill has their own address (X-Forwarded-For).

Load, as long as the drill runs: ``--clients`` threads read the public bulletins of the demo villages,
the lookup page and a lookup (a POST with the CSRF token, a real receipt code); ``--writers`` threads file
objections on the postings whose period runs (a decision write that bumps the bulletin's cache version),
each with a unique text. Phases: before (10 s), Redis down (``--outage`` s), after Redis (15 s),
PostgreSQL restart (``pg_ctl restart -m fast``), after PostgreSQL (15 s). An error is an answer of 500 or
more or a failed connection; a request counts in the phase in which it started, or in the fault
it ran into if one began while it was in flight. A cadre signed in before
the outage signs out during it: after Redis is back, the old session cookie must not be signed in again.

    .venv/bin/python bench/faults.py [--outage 30] [--clients 6] [--writers 2] [--redis-port 6390] [--pg-port 5499]
"""

from __future__ import annotations

import argparse
import glob
import http.client
import itertools
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "portal_faults"
PASSWORD = "Demo@2026"  # regions/management/commands/seed_demo.py
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RUN = secrets.token_hex(3)  # marks this run's objections
FAULTS = ("Redis down", "PostgreSQL restart")
PG_BIN = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1])


def as_postgres(command: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Servers:
    """The private PostgreSQL cluster and Redis of the drill, and the portal's gunicorn on them."""

    def __init__(self, pg_port: int, redis_port: int, web_port: int, workers: int, workdir: Path | None):
        self.pg_port, self.redis_port, self.web_port, self.workers = pg_port, redis_port, web_port, workers
        self.keep = workdir is not None
        self.tmp = workdir or Path(tempfile.mkdtemp(prefix="portal-faults-"))
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.seeded = (self.tmp / "pgdata" / "PG_VERSION").exists()
        self.pgdata, self.redis_dir = self.tmp / "pgdata", self.tmp / "redis"
        self.redis: subprocess.Popen | None = None
        self.gunicorn: subprocess.Popen | None = None
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "DJANGO_", "DATABASE"))
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="bench.settings_production",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{pg_port}/{DB_NAME}",
            REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            BENCH_STATIC_ROOT=str(self.tmp / "static"),
            MEDIA_ROOT=str(self.tmp / "media"),
            TRUSTED_PROXY_COUNT="1",
            CONN_MAX_AGE="600",
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        self.gunicorn_log = self.tmp / "gunicorn.log"

    # PostgreSQL -------------------------------------------------------------------------------
    def pg_start(self) -> None:
        if self.seeded:
            self.pg_ctl("start")
            return
        self.tmp.chmod(0o755)
        self.pgdata.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.pgdata, "postgres", "postgres")
        subprocess.run(
            as_postgres([str(PG_BIN / "initdb"), "-D", str(self.pgdata), "-U", "postgres", "-A", "trust",
                         "-E", "UTF8", "--locale=C.UTF-8"]),
            check=True, capture_output=True,
        )  # fmt: skip
        self.pg_ctl("start")
        self.sql("postgres", f"CREATE DATABASE {DB_NAME}")

    def pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.pg_port} -c listen_addresses=127.0.0.1 -k {self.pgdata}"
        subprocess.run(
            as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.pgdata), "-l", str(self.pgdata / "log"), "-w",
                         "-o", options, action, *extra]),
            check=True, capture_output=True,
        )  # fmt: skip

    def sql(self, dbname: str, query: str, args=None) -> list[tuple]:
        import psycopg2

        conn = psycopg2.connect(dbname=dbname, user="postgres", host="127.0.0.1", port=self.pg_port)
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(query, args)
                return cursor.fetchall() if cursor.description else []
        finally:
            conn.close()

    # Redis --------------------------------------------------------------------------------------
    def redis_start(self) -> None:
        self.redis_dir.mkdir(exist_ok=True)
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--dir", str(self.redis_dir),
             "--save", "1 1", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self._wait(lambda: self._redis_ping(), "redis-server")

    def redis_stop(self) -> None:
        self.redis.send_signal(signal.SIGTERM)  # saves its data on the way out, as a restart would
        self.redis.wait(timeout=30)
        self.redis = None

    def _redis_ping(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.redis_port, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False

    # The portal ---------------------------------------------------------------------------------
    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        if done.returncode:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def gunicorn_start(self) -> None:
        command = [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application", "--chdir", str(ROOT),
                   "-b", f"127.0.0.1:{self.web_port}", "--workers", str(self.workers), "--timeout", "60"]  # fmt: skip
        with self.gunicorn_log.open("w") as log:
            self.gunicorn = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait(lambda: request(self.web_port, "GET", "/healthz/")[0] == 200, "gunicorn")

    def _wait(self, ready, what: str, seconds: float = 60) -> None:
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                if ready():
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"{what} did not start within {seconds:.0f} s (see {self.tmp})")

    def stop_all(self) -> None:
        if self.gunicorn is not None:
            self.gunicorn.send_signal(signal.SIGTERM)
            self.gunicorn.wait(timeout=30)
        if self.redis is not None:
            self.redis_stop()
        if (self.pgdata / "postmaster.pid").exists():
            self.pg_ctl("stop", "-m", "fast")
        out = ROOT / "bench" / "out"
        out.mkdir(parents=True, exist_ok=True)
        if self.gunicorn_log.exists():
            shutil.copy(self.gunicorn_log, out / "faults-gunicorn.log")
        if not self.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)


# HTTP --------------------------------------------------------------------------------------------
def request(port: int, method: str, url: str, body: dict | None = None, headers: dict | None = None):
    """One request as the HTTPS proxy would send it: (status, headers, body text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    sent = {"X-Forwarded-Proto": "https", "Host": f"127.0.0.1:{port}", **(headers or {})}
    data = None
    if body is not None:
        data = urlencode(body)
        sent |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://127.0.0.1:{port}"}
    try:
        conn.request(method, url, body=data, headers=sent)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode(errors="replace")
    finally:
        conn.close()


def cookies_of(headers: dict) -> str:
    # http.client joins repeated Set-Cookie headers with ", "; the cookies here carry no commas.
    raw = headers.get("Set-Cookie", "")
    return "; ".join(
        part.split(";", 1)[0].strip() for part in raw.split(", ") if "=" in part.split(";", 1)[0]
    )


class Form:
    """A form page fetched for its CSRF token and cookie, then posted."""

    def __init__(self, port: int, url: str, cookie: str = "", headers: dict | None = None):
        self.port, self.url, self.headers = port, url, dict(headers or {})
        status, answer_headers, body = request(port, "GET", url, headers=self.headers | {"Cookie": cookie})
        if status >= 500:
            raise ConnectionError(f"GET {url}: {status}")
        match = CSRF_RE.search(body)
        self.token = match.group(1) if match else ""
        self.cookie = "; ".join(c for c in (cookie, cookies_of(answer_headers)) if c)

    def post(self, data: dict, url: str | None = None):
        return request(self.port, "POST", url or self.url, {"csrfmiddlewaretoken": self.token, **data},
                       self.headers | {"Cookie": self.cookie})  # fmt: skip


# The drill ---------------------------------------------------------------------------------------
class Log:
    def __init__(self):
        self.phases = ["setup"]  # every phase so far; a request holds the index of the one it started in
        self.lock = threading.Lock()
        self.counts: Counter = Counter()  # (phase, kind, "ok" | "error" | "refused <status>")
        self.details: Counter = Counter()  # (phase, kind, what went wrong)
        self.acknowledged: set[str] = set()
        self.stop = threading.Event()

    @property
    def phase(self) -> int:
        return len(self.phases) - 1

    def enter(self, name: str) -> None:
        self.phases.append(name)

    def _phase_of(self, started: int) -> str:
        """The phase a request started in, or the fault it ran into if one began while it was in flight."""
        during = self.phases[started : self.phase + 1]
        return next((name for name in reversed(during) if name in FAULTS), during[0])

    def record(self, started: int, kind: str, outcome: str, what=None) -> None:
        phase = self._phase_of(started)
        with self.lock:
            self.counts[(phase, kind, outcome)] += 1
            if what is not None:
                text = what if isinstance(what, str) else f"{type(what).__name__}: {what}"[:120]
                self.details[(phase, kind, text)] += 1


def reader(port: int, log: Log, bulletins: list[str], lookups: list[tuple[str, str]], number: int) -> None:
    urls = itertools.cycle([*bulletins, "/lookup/", "lookup-post"])
    found = itertools.cycle(lookups)
    for _ in range(number):
        next(urls)
    while not log.stop.is_set():
        url, phase = next(urls), log.phase
        try:
            if url == "lookup-post":
                code, last4 = next(found)
                status, _, _ = Form(port, "/lookup/").post({"code": code, "phone_last4": last4})
                kind = "lookup POST"
            else:
                status, _, _ = request(port, "GET", url)
                kind = "lookup" if url == "/lookup/" else "bulletin"
        except (OSError, http.client.HTTPException, ConnectionError) as exc:
            kind = {"lookup-post": "lookup POST", "/lookup/": "lookup"}.get(url, "bulletin")
            log.record(phase, kind, "error", exc)
            continue
        log.record(
            phase, kind, "error" if status >= 500 else "ok", f"HTTP {status}" if status >= 500 else None
        )


def writer(port: int, log: Log, postings: list[str], number: int) -> None:
    for serial in itertools.count():
        if log.stop.is_set():
            return
        url, phase = postings[(serial * 7 + number) % len(postings)], log.phase
        text = f"faults-{RUN}-{number}-{serial} 晒场占用异议"
        address = f"10.{number}.{serial // 250 % 250}.{serial % 250 + 1}"
        try:
            form = Form(port, url, headers={"X-Forwarded-For": address})
            status, headers, _ = form.post({"name": "张三", "phone": "13812345678", "summary": text})
        except (OSError, http.client.HTTPException, ConnectionError) as exc:
            log.record(phase, "objection", "error", exc)
            time.sleep(0.2)
            continue
        if status == 302 and "filed=1" in headers.get("Location", ""):
            with log.lock:
                log.acknowledged.add(text)
            log.record(phase, "objection", "ok")
        else:
            failed = status >= 500
            log.record(
                phase,
                "objection",
                "error" if failed else f"refused {status}",
                f"HTTP {status}" if failed else None,
            )
        time.sleep(0.2)


def signed_in(port: int, cookie: str) -> bool:
    status, headers, _ = request(port, "GET", "/", headers={"Cookie": cookie})
    return status == 302 and "/accounts/login/" not in headers.get("Location", "")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--outage", type=float, default=30.0, help="seconds Redis is down (default 30)")
    parser.add_argument("--clients", type=int, default=6, help="reader threads (default 6)")
    parser.add_argument("--writers", type=int, default=2, help="objection writer threads (default 2)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--redis-port", type=int, default=6390)
    parser.add_argument("--pg-port", type=int, default=5499)
    parser.add_argument("--web-port", type=int, default=8790)
    parser.add_argument(
        "--workdir", type=Path, help="keep the servers' data here (a second run reuses the seeded database)"
    )
    options = parser.parse_args(argv)

    servers = Servers(options.pg_port, options.redis_port, options.web_port, options.workers, options.workdir)
    try:
        started = time.perf_counter()
        servers.pg_start()
        servers.redis_start()
        if not servers.seeded:
            servers.manage("migrate", "--noinput", "-v", "0")
            servers.manage("seed_demo")
        servers.manage("collectstatic", "--noinput", "-v", "0")
        servers.gunicorn_start()
        port = options.web_port
        print(f"setup: private PostgreSQL :{options.pg_port}, Redis :{options.redis_port}, gunicorn "
              f"{options.workers} workers, demo county seeded ({time.perf_counter() - started:.0f} s)")  # fmt: skip
        run_drill(servers, port, options)
    finally:
        servers.stop_all()


def run_drill(servers: Servers, port: int, options) -> None:
    villages = servers.sql(
        DB_NAME,
        "SELECT r.code FROM regions_region r JOIN decisions_matter m ON m.village_id = r.id "
        "GROUP BY r.code ORDER BY count(*) DESC LIMIT 4",
    )
    bulletins = [f"/bulletin/{code}/" for (code,) in villages]
    lookups = [
        (code, phone[-4:])
        for code, phone in servers.sql(
            DB_NAME, "SELECT receipt_code, applicant_phone FROM centers_proxyrequest ORDER BY id LIMIT 40"
        )
    ]
    candidates = servers.sql(
        DB_NAME,
        "SELECT r.code, d.id FROM decisions_disclosure d JOIN regions_region r ON r.id = d.village_id "
        "ORDER BY d.posted_on DESC LIMIT 200",
    )
    postings = []
    for code, pk in candidates:
        url = f"/bulletin/{code}/postings/{pk}/objection/"
        if 'id="objection-form"' in request(port, "GET", url)[2]:
            postings.append(url)
    if not (bulletins and lookups and postings):
        raise SystemExit(f"the demo data lacks bulletins ({len(bulletins)}), requests ({len(lookups)}) "
                         f"or running postings ({len(postings)})")  # fmt: skip
    print(f"load: {options.clients} readers over {len(bulletins)} bulletins, /lookup/ and a lookup POST; "
          f"{options.writers} writers filing objections on {len(postings)} running postings")  # fmt: skip

    # A cadre signed in before the outage, to sign out during it.
    login = Form(port, "/accounts/login/")
    status, headers, _ = login.post({"username": "village_secretary", "password": PASSWORD})
    session_cookie = "; ".join(c for c in (login.cookie, cookies_of(headers)) if c)
    assert status == 302 and signed_in(port, session_cookie), "the demo secretary could not sign in"

    log = Log()
    threads = [
        threading.Thread(target=reader, args=(port, log, bulletins, lookups, i))
        for i in range(options.clients)
    ]
    threads += [
        threading.Thread(target=writer, args=(port, log, postings, i)) for i in range(options.writers)
    ]
    log.enter("before")
    for thread in threads:
        thread.start()
    timings = {}
    time.sleep(10)

    log.enter("Redis down")
    went = time.perf_counter()
    servers.redis_stop()
    time.sleep(options.outage / 2)
    logout = Form(port, "/lookup/", cookie=session_cookie)  # any form gives the token of the session's cookie
    logged_out = logout.post({}, url="/accounts/logout/")[0]
    time.sleep(options.outage / 2)
    servers.redis_start()
    timings["Redis down"] = time.perf_counter() - went
    log.enter("after Redis")
    time.sleep(15)
    session_ended = not signed_in(port, session_cookie)

    log.enter("PostgreSQL restart")
    went = time.perf_counter()
    servers.pg_ctl("restart", "-m", "fast")
    timings["PostgreSQL restart"] = time.perf_counter() - went
    log.enter("after PostgreSQL")
    time.sleep(15)
    log.enter("draining")
    log.stop.set()
    for thread in threads:
        thread.join(timeout=60)

    stored = {
        row[0]
        for row in servers.sql(
            DB_NAME, "SELECT summary FROM decisions_objection WHERE summary LIKE %s", [f"faults-{RUN}-%"]
        )
    }
    lost = log.acknowledged - stored
    unacknowledged_stored = stored - log.acknowledged
    cache_lines = sum(
        "The cache is unavailable" in line for line in servers.gunicorn_log.read_text().splitlines()
    )
    server_errors = sum(
        " 500 " in line or "Traceback" in line for line in servers.gunicorn_log.read_text().splitlines()
    )

    print()
    print(
        f"{'phase':<20} {'seconds':>7} | {'bulletin':>15} {'lookup GET':>15} {'lookup POST':>15} {'objection':>15}"
    )
    print(f"{'':<20} {'':>7} | " + " ".join(f"{'ok/errors':>15}" for _ in range(4)))
    for phase in (
        "before",
        "Redis down",
        "after Redis",
        "PostgreSQL restart",
        "after PostgreSQL",
        "draining",
    ):
        cells = []
        for kind in ("bulletin", "lookup", "lookup POST", "objection"):
            ok, errors = log.counts[(phase, kind, "ok")], log.counts[(phase, kind, "error")]
            refused = sum(
                n
                for (p, k, o), n in log.counts.items()
                if p == phase and k == kind and o.startswith("refused")
            )
            cells.append(f"{ok:>6}/{errors:<4}" + (f"r{refused}" if refused else "").ljust(4))
        seconds = f"{timings[phase]:.1f}" if phase in timings else ""
        print(f"{phase:<20} {seconds:>7} | " + " ".join(f"{c:>15}" for c in cells))
    after = sum(n for (p, _, o), n in log.counts.items() if p.startswith("after") and o == "error")
    during = sum(
        n for (p, _, o), n in log.counts.items() if p in ("Redis down", "PostgreSQL restart") and o == "error"
    )
    print()
    print(f"errors during the faults: {during}; after them: {after} (must be 0)")
    print(f"objections acknowledged: {len(log.acknowledged)}; stored: {len(stored)}; lost: {len(lost)} (must be 0); "
          f"stored though unacknowledged: {len(unacknowledged_stored)}")  # fmt: skip
    print(f"a session ended during the Redis outage (logout answered {logged_out}) stays ended after it: "
          f"{'yes' if session_ended else 'NO'}")  # fmt: skip
    for (phase, kind, what), n in sorted(log.details.items()):
        print(f"  {phase}: {kind}: {n} x {what}")
    print(
        f"gunicorn log (bench/out/faults-gunicorn.log): {cache_lines} 'cache unavailable' warnings, {server_errors} server errors"
    )
    if after or lost or not session_ended:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
