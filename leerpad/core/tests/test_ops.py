"""Operations: health check, request ids, backups and restores, the production server,
and Django's deployment checklist in production mode."""

from __future__ import annotations

import io
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import structlog
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import OperationalError, connections
from django.db import connections as db_connections
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from leerpad.accounts.models import Person
from leerpad.core import backups
from leerpad.core.management.commands import restore as restore_command
from leerpad.core.management.commands import serve

# --- Helpers ------------------------------------------------------------------------------


def make_leerpad_db(path: Path, notes: list[str], page_size: int = 4096) -> Path:
    """A small stand-in for a Leerpad database, in WAL mode like the real one."""
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute(f"PRAGMA page_size = {page_size}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT)")
        conn.execute("INSERT INTO django_migrations (app, name) VALUES ('accounts', '0001')")
        conn.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)")
        conn.executemany("INSERT INTO note (body) VALUES (?)", [(n,) for n in notes])
    return path


def notes_in(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [row[0] for row in conn.execute("SELECT body FROM note ORDER BY id")]


@pytest.fixture
def live_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: SettingsWrapper) -> Path:
    """The commands' "live database" is a temporary file (the test database is in memory)."""
    (tmp_path / "var").mkdir()
    live = make_leerpad_db(tmp_path / "var" / "leerpad.sqlite3", ["current"])
    monkeypatch.setattr(backups, "live_sqlite_path", lambda alias="default": live)
    settings.LEERPAD_BACKUP_DIR = tmp_path / "var" / "backups"
    return live


# --- Health check and request ids ---------------------------------------------------------


@pytest.mark.django_db
def test_healthz_is_ok_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_fails(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_cursor(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("unable to open database file")

    monkeypatch.setattr(type(connections["default"]), "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


@pytest.mark.django_db
def test_request_id_from_the_proxy_is_echoed(client: Client) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-trace-42")
    assert response["X-Request-ID"] == "proxy-trace-42"


@pytest.mark.django_db
def test_request_id_is_generated_when_missing(client: Client) -> None:
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


@pytest.mark.django_db
def test_request_id_from_outside_is_capped(client: Client) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID="x" * 500)
    assert response["X-Request-ID"] == "x" * 64


# --- Backups ------------------------------------------------------------------------------


def test_backup_makes_a_verified_private_copy(tmp_path: Path) -> None:
    source = make_leerpad_db(tmp_path / "live.sqlite3", ["one", "two"])
    dest = backups.backup_sqlite(source, tmp_path / "backups" / "copy.sqlite3")

    assert dest == tmp_path / "backups" / "copy.sqlite3"
    backups.verify_leerpad(dest)
    assert notes_in(dest) == ["one", "two"]
    assert dest.stat().st_mode & 0o777 == 0o600
    # One self-contained file: no WAL beside it, no leftover partial file.
    with closing(sqlite3.connect(dest)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert sorted(p.name for p in dest.parent.iterdir()) == ["copy.sqlite3"]


def test_backup_includes_transactions_still_in_the_wal(tmp_path: Path) -> None:
    source = make_leerpad_db(tmp_path / "live.sqlite3", ["old"])
    with closing(sqlite3.connect(source)) as writer:
        writer.execute("PRAGMA wal_autocheckpoint=0")
        writer.execute("INSERT INTO note (body) VALUES ('only in the wal')")
        writer.commit()
        assert (tmp_path / "live.sqlite3-wal").stat().st_size > 0
        dest = backups.backup_sqlite(source, tmp_path / "copy.sqlite3")
    assert notes_in(dest) == ["old", "only in the wal"]


def test_backup_never_overwrites(tmp_path: Path) -> None:
    source = make_leerpad_db(tmp_path / "live.sqlite3", ["x"])
    existing = tmp_path / "copy.sqlite3"
    existing.write_text("precious")
    with pytest.raises(backups.BackupError, match="already exists"):
        backups.backup_sqlite(source, existing)
    assert existing.read_text() == "precious"


def test_backup_while_another_connection_writes_is_consistent(tmp_path: Path) -> None:
    """Transfers move money between accounts and log themselves in one transaction; every
    copy taken meanwhile must show the same total and one log row per transfer."""
    source = tmp_path / "busy.sqlite3"
    with closing(sqlite3.connect(source, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE account (id INTEGER PRIMARY KEY, balance INTEGER)")
        conn.execute("CREATE TABLE transfer (id INTEGER PRIMARY KEY, payload BLOB)")
        conn.execute("CREATE TABLE counter (n INTEGER)")
        conn.execute("INSERT INTO counter VALUES (0)")
        conn.executemany("INSERT INTO account (balance) VALUES (?)", [(100,)] * 20)

    stop = threading.Event()
    written = [0]

    def writer() -> None:
        with closing(sqlite3.connect(source, timeout=30, isolation_level=None)) as conn:
            while not stop.is_set():
                conn.execute("BEGIN IMMEDIATE")
                a, b = (written[0] % 20) + 1, ((written[0] * 7) % 20) + 1
                conn.execute("UPDATE account SET balance = balance - 3 WHERE id = ?", (a,))
                conn.execute("UPDATE account SET balance = balance + 3 WHERE id = ?", (b,))
                # Big rows make each copy take long enough for writes to land during it.
                conn.execute("INSERT INTO transfer (payload) VALUES (?)", (os.urandom(4096),))
                conn.execute("UPDATE counter SET n = n + 1")
                conn.execute("COMMIT")
                written[0] += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while written[0] < 200:
            time.sleep(0.01)
        copies = []
        for i in range(5):
            before = written[0]
            copy = backups.backup_sqlite(source, tmp_path / f"copy-{i}.sqlite3")
            copies.append((copy, before, written[0]))
    finally:
        stop.set()
        thread.join()

    assert any(after > before for _, before, after in copies), "no write during any backup"
    for copy, before, after in copies:
        with closing(sqlite3.connect(copy)) as conn:
            assert conn.execute("SELECT SUM(balance) FROM account").fetchone()[0] == 2000
            transfers = conn.execute("SELECT COUNT(*) FROM transfer").fetchone()[0]
            assert conn.execute("SELECT n FROM counter").fetchone()[0] == transfers
            # A snapshot from some moment during this backup: no earlier, no later.
            assert before <= transfers <= after + 1
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_prune_keeps_the_newest_regular_backups(tmp_path: Path) -> None:
    names = [
        "leerpad-20250101-010000.sqlite3",
        "leerpad-20250102-010000.sqlite3",
        "leerpad-20250102-010000-1.sqlite3",
        "leerpad-20250103-010000.sqlite3",
        "leerpad-20250101-000000-pre-restore.sqlite3",
        "notes.txt",
    ]
    for name in names:
        (tmp_path / name).write_text("x")
    removed = backups.prune(tmp_path, keep=2)
    assert sorted(p.name for p in removed) == [
        "leerpad-20250101-010000.sqlite3",
        "leerpad-20250102-010000.sqlite3",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "leerpad-20250101-000000-pre-restore.sqlite3",
        "leerpad-20250102-010000-1.sqlite3",
        "leerpad-20250103-010000.sqlite3",
        "notes.txt",
    ]


def test_backup_command_writes_a_timestamped_file_and_prunes(live_db: Path) -> None:
    out = io.StringIO()
    for _ in range(3):
        call_command("backup", "--keep", "2", stdout=out)
    backup_dir = Path(django_settings.LEERPAD_BACKUP_DIR)
    made = sorted(backup_dir.iterdir())
    assert len(made) == 2
    for path in made:
        assert re.fullmatch(r"leerpad-\d{8}-\d{6}(-\d+)?\.sqlite3", path.name)
        assert notes_in(path) == ["current"]
    assert "Backup written and verified" in out.getvalue()
    assert "Deleted old backup" in out.getvalue()


def test_backup_command_output_option(live_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "nightly.sqlite3"
    out = io.StringIO()
    call_command("backup", "--output", str(target), stdout=out)
    assert notes_in(target) == ["current"]
    assert str(target) in out.getvalue()


def test_backup_command_refuses_an_in_memory_database(monkeypatch: pytest.MonkeyPatch) -> None:
    database = django_settings.DATABASES["default"]
    monkeypatch.setitem(database, "ENGINE", backups.SQLITE_ENGINE)
    monkeypatch.setitem(database, "NAME", "file:memorydb_default?mode=memory&cache=shared")
    with pytest.raises(CommandError, match="in memory"):
        call_command("backup")


@pytest.mark.parametrize(("command", "tool"), [("backup", "pg_dump"), ("restore", "pg_restore")])
def test_commands_point_postgres_users_to_their_tools(
    command: str, tool: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(
        django_settings.DATABASES["default"], "ENGINE", "django.db.backends.postgresql"
    )
    args = [str(tmp_path / "x.sqlite3"), "--yes"] if command == "restore" else []
    with pytest.raises(CommandError, match=tool):
        call_command(command, *args)


# --- Restores -----------------------------------------------------------------------------


def test_restore_round_trip_with_a_safety_backup(live_db: Path, tmp_path: Path) -> None:
    good = backups.backup_sqlite(live_db, tmp_path / "good.sqlite3")
    with closing(sqlite3.connect(live_db)) as conn:
        conn.execute("DELETE FROM note")
        conn.execute("INSERT INTO note (body) VALUES ('mistake')")
        conn.commit()

    with closing(sqlite3.connect(live_db)) as open_elsewhere:
        assert open_elsewhere.execute("SELECT body FROM note").fetchall() == [("mistake",)]
        out = io.StringIO()
        call_command("restore", str(good), "--yes", stdout=out)
        # A connection that stayed open (a running worker) sees the restored data.
        assert open_elsewhere.execute("SELECT body FROM note").fetchall() == [("current",)]

    assert notes_in(live_db) == ["current"]
    backups.verify_leerpad(live_db)
    safety = list(Path(django_settings.LEERPAD_BACKUP_DIR).glob("*-pre-restore.sqlite3"))
    assert len(safety) == 1
    assert notes_in(safety[0]) == ["mistake"]
    assert "Restored" in out.getvalue()


def test_restore_into_a_wal_database_with_another_page_size(tmp_path: Path) -> None:
    live = make_leerpad_db(tmp_path / "live.sqlite3", ["live"], page_size=4096)
    other = make_leerpad_db(tmp_path / "other.sqlite3", ["from backup"], page_size=8192)
    with closing(sqlite3.connect(live)) as keeps_wal_open:
        keeps_wal_open.execute("SELECT 1").fetchone()
        backups.restore_sqlite(other, live)
    assert notes_in(live) == ["from backup"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_restore_refuses_a_file_that_is_not_a_database(live_db: Path, tmp_path: Path) -> None:
    junk = tmp_path / "backup.sqlite3"
    junk.write_text("this is not a database\n" * 100)
    with pytest.raises(CommandError, match="not an SQLite database"):
        call_command("restore", str(junk), "--yes")
    assert notes_in(live_db) == ["current"]
    assert not Path(django_settings.LEERPAD_BACKUP_DIR).exists()


def test_restore_refuses_a_corrupt_database(live_db: Path, tmp_path: Path) -> None:
    damaged = make_leerpad_db(tmp_path / "damaged.sqlite3", ["x" * 1000] * 50)
    with closing(sqlite3.connect(damaged)) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
    data = bytearray(damaged.read_bytes())
    data[4096 * 2 : 4096 * 3] = b"\xff" * 4096
    damaged.write_bytes(bytes(data))
    with pytest.raises(CommandError, match=r"Not restoring.*(malformed|integrity)"):
        call_command("restore", str(damaged), "--yes")
    assert notes_in(live_db) == ["current"]


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        (["CREATE TABLE recipe (id INTEGER PRIMARY KEY)"], "no django_migrations table"),
        (
            [
                "CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT)",
                "INSERT INTO django_migrations (app, name) VALUES ('shop', '0001')",
            ],
            "not a Leerpad one",
        ),
    ],
)
def test_restore_refuses_a_sqlite_file_that_is_not_leerpad(
    live_db: Path, tmp_path: Path, schema: list[str], message: str
) -> None:
    foreign = tmp_path / "foreign.sqlite3"
    with closing(sqlite3.connect(foreign)) as conn:
        for statement in schema:
            conn.execute(statement)
        conn.commit()
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(foreign), "--yes")
    assert notes_in(live_db) == ["current"]


def test_restore_without_yes_and_without_a_terminal_refuses(
    live_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = make_leerpad_db(tmp_path / "good.sqlite3", ["restored"])
    monkeypatch.setattr(restore_command, "stdin_is_interactive", lambda: False)
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(good))
    assert notes_in(live_db) == ["current"]
    assert not Path(django_settings.LEERPAD_BACKUP_DIR).exists()


@pytest.mark.parametrize(("answer", "expected"), [("no", ["current"]), ("yes", ["restored"])])
def test_restore_asks_at_a_terminal(
    live_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    expected: list[str],
) -> None:
    good = make_leerpad_db(tmp_path / "good.sqlite3", ["restored"])
    monkeypatch.setattr(restore_command, "stdin_is_interactive", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: answer)
    if answer == "yes":
        call_command("restore", str(good), stdout=io.StringIO())
    else:
        with pytest.raises(CommandError, match="cancelled"):
            call_command("restore", str(good), stdout=io.StringIO())
    assert notes_in(live_db) == expected


# --- The production server ----------------------------------------------------------------


@pytest.fixture
def collected_static(settings: SettingsWrapper, tmp_path: Path) -> Iterator[Path]:
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    manifest.write_text('{"paths": {}, "version": "1.1"}')
    yield manifest


@pytest.fixture
def no_gunicorn_run(monkeypatch: pytest.MonkeyPatch) -> list[serve.LeerpadServer]:
    """Never start a real server in the tests; record what would have run."""
    started: list[serve.LeerpadServer] = []
    monkeypatch.setattr(serve.LeerpadServer, "run", lambda self: started.append(self))
    return started


def test_serve_refuses_without_collected_static_files(
    settings: SettingsWrapper, tmp_path: Path, no_gunicorn_run: list[serve.LeerpadServer]
) -> None:
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    with pytest.raises(CommandError, match="leerpad collectstatic"):
        call_command("serve")
    assert no_gunicorn_run == []


def test_serve_configures_gunicorn(collected_static: Path) -> None:
    server = serve.Command().build_server(bind="0.0.0.0:9000", workers=3, threads=2)
    cfg = server.cfg
    assert cfg.bind == ["0.0.0.0:9000"]
    assert cfg.workers == 3
    assert cfg.threads == 2
    assert cfg.worker_class_str == "gthread"
    assert cfg.accesslog is None
    assert cfg.graceful_timeout == 30
    assert cfg.logger_class is serve.StructuredLogger
    assert callable(server.load())


def test_serve_worker_defaults(collected_static: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEERPAD_WORKERS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert serve.default_workers() == 3
    monkeypatch.setattr(os, "cpu_count", lambda: 32)
    assert serve.default_workers() == 8
    monkeypatch.setenv("LEERPAD_WORKERS", "5")
    assert serve.Command().build_server(bind="127.0.0.1:8000").cfg.workers == 5
    monkeypatch.setenv("LEERPAD_WORKERS", "many")
    with pytest.raises(CommandError, match="LEERPAD_WORKERS"):
        serve.default_workers()


@pytest.mark.django_db  # apps check what they need before serving (search: its index)
def test_serve_prints_its_url_and_runs(
    collected_static: Path,
    no_gunicorn_run: list[serve.LeerpadServer],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # serve closes connections before gunicorn forks; here that would end the test's
    # own transaction (on PostgreSQL), so it is left out.
    monkeypatch.setattr(db_connections, "close_all", lambda: None)
    out = io.StringIO()
    call_command("serve", "--bind", "127.0.0.1:8123", "--workers", "2", stdout=out)
    assert "http://127.0.0.1:8123/" in out.getvalue()
    assert len(no_gunicorn_run) == 1
    assert no_gunicorn_run[0].cfg.workers == 2


@pytest.mark.parametrize(
    ("bind", "url"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000/"),
        ("0.0.0.0:80", "http://0.0.0.0:80/ (all network interfaces)"),
        ("[::1]:8080", "http://[::1]:8080/"),
        ("localhost", "http://localhost:8000/"),
        ("unix:/run/leerpad.sock", "the unix socket /run/leerpad.sock"),
    ],
)
def test_serving_url(bind: str, url: str) -> None:
    assert serve.serving_url(bind) == url


# --- Deployment checklist -----------------------------------------------------------------


def test_check_deploy_passes_in_production_mode(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEERPAD_")}
    env.pop("DATABASE_URL", None)
    env.update(
        LEERPAD_ENV="production",
        LEERPAD_SECRET_KEY=secrets.token_urlsafe(64),
        LEERPAD_ALLOWED_HOSTS="leerpad.example.com",
        LEERPAD_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output


def test_safe_voice_requests_are_logged_without_the_person(client: Client, lena: Person) -> None:
    client.force_login(lena)
    with structlog.testing.capture_logs() as logs:
        client.post("/workspace/voice/nope/", {"text": "x"})
        client.get("/workspace/voice/")
        client.post("/accounts/language/", {"language": "nl"})
    lines = [line for line in logs if line["event"] == "request"]
    assert [(line["method"], line["user_id"]) for line in lines] == [
        ("POST", None),
        ("GET", None),
        ("POST", lena.pk),
    ]
