"""Shared fixtures: a temporary SQLite file, a throwaway PostgreSQL server, the demo."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import add_people

from pmwidgets.store import Store

ROOT = Path(__file__).resolve().parent.parent
# Files the product keeps in the user's cache folder (the dashboard's rows) go to a
# folder of this run, for the tests and every server and command they start.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="pmw-test-cache-")
ONET = ROOT.parent / "shared" / "data" / "onet-29.3"


# --- PostgreSQL: a throwaway cluster from Debian's package -------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_postgres(folder: Path) -> tuple[str, list[str]]:
    """Start a cluster in ``folder``; returns (url, stop command). Raises RuntimeError."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("Debian's postgresql package is not installed (initdb not found)")
    bindir = Path(found[-1]).parent
    data = folder / "data"
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root: use the postgres system user
        if shutil.which("runuser") is None:
            raise RuntimeError("running as root without runuser")
        prefix = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
        folder.chmod(0o700)
    port = _free_port()

    def run(*cmd: str) -> None:
        subprocess.run([*prefix, *cmd], check=True, capture_output=True, text=True, timeout=120)

    try:
        run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "pmw", "--no-sync")
        opts = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            opts,
            "-l",
            str(folder / "log"),
            "-w",
            "start",
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        raise RuntimeError(
            f"could not start PostgreSQL: {detail.strip().splitlines()[-1] if detail.strip() else exc}"
        ) from None
    stop = [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
    return f"postgresql+psycopg://pmw@127.0.0.1:{port}/postgres", stop


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """URL of a throwaway PostgreSQL server, or skip saying why it could not start."""
    folder = Path(tempfile.mkdtemp(prefix="pmw-pg-"))
    try:
        url, stop = _start_postgres(folder)
    except RuntimeError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"PostgreSQL store tests skipped: {exc}")
    try:
        yield url
    finally:
        subprocess.run(stop, capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def _fresh_pg_database(server_url: str) -> str:
    from sqlalchemy import create_engine, text

    name = "t_" + uuid.uuid4().hex[:12]
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


# --- stores -----------------------------------------------------------------------


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A new, empty SQLite file."""
    return f"sqlite:///{tmp_path / 'pmw.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty database: an SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'pmw.sqlite3'}"
    server = request.getfixturevalue("postgres_server")
    return _fresh_pg_database(server)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """An empty store on each backend."""
    with Store(db_url) as s:
        yield s


@pytest.fixture
def sqlite_store(sqlite_url: str) -> Iterator[Store]:
    """An empty store on an SQLite file only."""
    with Store(sqlite_url) as s:
        yield s


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo organisation, built once per session; tests get a copy."""
    from pmwidgets.demo.builder import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    with Store(f"sqlite:///{path}") as s:
        build_demo(s)
    return path


@pytest.fixture
def demo_url(demo_template: Path, tmp_path: Path) -> str:
    """URL of a private copy of the demo database."""
    dest = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, dest)
    return f"sqlite:///{dest}"


@pytest.fixture
def demo(demo_url: str) -> Iterator[Store]:
    """A store holding the demo organisation."""
    with Store(demo_url) as s:
        yield s


@pytest.fixture
def people_store(store: Store) -> Store:
    """A store on each backend with the standard people."""
    add_people(store)
    return store


@pytest.fixture(autouse=True)
def _environment_as_it_was() -> Iterator[None]:
    """Every test leaves the process environment as it found it.

    Code under test may set variables (a preheated page writes its request's
    ``QUERY_STRING`` and headers into ``os.environ``), and ``monkeypatch.delenv`` of an
    absent name does not undo what is set later: a later test's servers then inherited
    them (a page kernel seemed to see ``HTTP_COOKIE`` once tests/apps ran first).
    """
    saved = dict(os.environ)
    yield
    if os.environ != saved:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(autouse=True)
def _no_organisation_date_order() -> Iterator[None]:
    """Every test starts with no organisation date order in this process: opening a
    database sets it (the demo's is ``dmy``), and a test of another order must not leak."""
    from pmwidgets.domain.i18n import set_date_order

    set_date_order(None)
    yield
    set_date_order(None)
