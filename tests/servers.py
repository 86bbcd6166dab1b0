"""Real servers for the browser tests and the benchmarks: Voila and ``pmw serve``.

Each runs as a subprocess on a free port, with its output in a log file. Both the
browser tests (tests/browser/conftest.py) and ``make bench`` (bench/) use them.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
#: every host but this machine resolves to nothing. Unlike Playwright's request routing,
#: this lets Voila's unload beacon go out, so a closed page shuts its kernel down
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"
CHROMIUM_ARGS = [
    OFFLINE,
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def rss_mib(pid: int) -> float:
    """Resident memory of a process, in MiB (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / 100


#: log lines a failed test's report leaves out (warnings every kernel prints at start)
QUIET = ("Kernel is running over TCP", "DeprecationWarning", "  warn(", "is not trusted")


class Server:
    """A web server subprocess, started and waited for until it answers."""

    name = "server"
    probe = "/"
    #: the servers started and not yet stopped, for a failed test's report
    running: ClassVar[list[Server]] = []

    def __init__(
        self, cmd: list[str], env: dict[str, str], log: Path, port: int, timeout: float = 120
    ) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.env = env
        self.log = log
        # without pytest's marker, as in production: ipykernel stops forwarding the kernel's
        # file descriptor 2 to the browser when it sees PYTEST_CURRENT_TEST
        env = {k: v for k, v in env.items() if k != "PYTEST_CURRENT_TEST"}
        self.proc = subprocess.Popen(
            cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, cwd=ROOT
        )
        Server.running.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {log.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(self.url + self.probe, timeout=2)
            except urllib.error.HTTPError:
                return  # the server answers (a 4xx is fine)
            except OSError:
                time.sleep(0.3)
                continue
            return
        raise RuntimeError(f"{self.name} did not start in {timeout:.0f} s")

    def kernel_pids(self) -> list[int]:
        """The kernel processes this server runs now."""
        pids = []
        for pid in children(self.proc.pid):
            try:
                if b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    pids.append(pid)
            except OSError:
                continue
        return pids

    def kernels(self) -> int:
        """How many kernel processes the server runs now."""
        return len(self.kernel_pids())

    def tail(self, lines: int = 60) -> str:
        """The last lines of the server's log (its kernels' too), without start-up noise."""
        try:
            text = self.log.read_text(errors="replace")
        except OSError as exc:
            return f"(no log: {exc})"
        kept = [
            line
            for line in text.splitlines()
            if line.strip() and not any(quiet in line for quiet in QUIET)
        ]
        return "\n".join(kept[-lines:])

    def stop(self) -> None:
        """Stop the server (and so its kernels)."""
        if self in Server.running:
            Server.running.remove(self)
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class VoilaServer(Server):
    """Stock Voila serving a folder of notebooks with a given environment."""

    name = "voila"

    def __init__(self, env: dict[str, str], log: Path, *extra: str, folder: Path | None = None):
        port = free_port()
        cmd = [
            sys.executable, "-m", "voila", str(folder or ROOT / "notebooks"),
            f"--port={port}", "--no-browser", "--Voila.ip=127.0.0.1", "--Voila.port_retries=0",
            "--Voila.config_file_paths=[]", "--strip_sources=True", "--show_tracebacks=False",
            *extra,
        ]  # fmt: skip
        super().__init__(cmd, env, log, port, timeout=90)


class PmwServer(Server):
    """``pmw serve`` as a subprocess: the real web app on a free port."""

    name = "pmw serve"
    probe = "/voila/static/"

    def __init__(
        self, env: dict[str, str], log: Path, cull_seconds: int = 120, *extra: str
    ) -> None:
        port = free_port()
        cmd = [sys.executable, "-m", "pmwidgets.cli", "serve", f"--port={port}", *extra]
        super().__init__(cmd, {**env, "PMW_CULL_SECONDS": str(cull_seconds)}, log, port)
        self.env = env

    def wait_preheated(self, timeout: float = 120) -> None:
        """Wait until every notebook has its preheated kernel, as on a server up for a while.

        On 2 cores, nine kernels starting at once take a while; a test that opens pages
        straight away measures the start-up instead of the page.
        """
        wanted = len(list((ROOT / "notebooks").glob("*.ipynb")))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.kernels() < wanted:
            time.sleep(0.5)
        time.sleep(3)  # and let them run their notebooks up to waiting for a request

    def invite(self, person: str) -> str:
        """A signed sign-in link for ``person``, made by the real ``pmw invite``."""
        out = subprocess.run(
            [sys.executable, "-m", "pmwidgets.cli", "invite", person, "--url", self.url],
            env=self.env, capture_output=True, text=True, check=True, cwd=ROOT,
        )  # fmt: skip
        return out.stdout.strip()


class LabServer(Server):
    """``pmw lab`` as a subprocess: JupyterLab on a working copy of the notebooks in
    ``folder``, session ``session``, its token ``token``."""

    name = "pmw lab"
    probe = "/lab"

    def __init__(self, env: dict[str, str], log: Path, folder: Path, session: str) -> None:
        port = free_port()
        self.folder, self.session, self.token = folder, session, env["JUPYTER_TOKEN"]
        cmd = [
            sys.executable, "-m", "pmwidgets.cli", "lab", f"--port={port}",
            f"--folder={folder}", f"--session={session}",
        ]  # fmt: skip
        super().__init__(cmd, env, log, port)

    def notebook_url(self, name: str) -> str:
        """The address of one of the session's notebooks in JupyterLab, with the token."""
        return f"{self.url}/lab/tree/{self.session}/{name}?token={self.token}"


def demo_env(demo_template: Path, folder: Path, **env: str) -> dict[str, str]:
    """This environment but for its ``PMW_`` settings, for a server on a copy of the demo
    database in ``folder``, with its state and Jupyter config there too; ``env`` adds to it."""
    import os
    import shutil

    db = folder / "demo.sqlite3"
    shutil.copy(demo_template, db)
    base = {k: v for k, v in os.environ.items() if not k.startswith("PMW_")}
    base.update(
        PMW_DATABASE_URL=f"sqlite:///{db}",
        XDG_STATE_HOME=str(folder / "state"),
        JUPYTER_CONFIG_DIR=str(folder / "jupyter-config"),
    )
    return {**base, **env}


def serve_demo_copy(
    demo_template: Path, folder: Path, cull_seconds: int = 120, *extra: str, **env: str
) -> PmwServer:
    """``pmw serve`` on a copy of the demo database in ``folder``, its pools preheated.

    ``env`` adds to (or overrides) the server's environment, e.g. its limits.
    """
    base = demo_env(
        demo_template,
        folder,
        PMW_SECRET="test-secret-" + folder.name,
        XDG_DATA_HOME=str(folder / "data"),
    )
    server = PmwServer({**base, **env}, folder / "serve.log", cull_seconds, *extra)
    server.wait_preheated()
    return server


def row_counts(server: Server) -> dict[str, int]:
    """Rows that any stored change would add to: events, confirmations, workbooks, people."""
    import sqlite3

    db = sqlite3.connect(server.env["PMW_DATABASE_URL"].removeprefix("sqlite:///"))
    try:
        return {
            t: int(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
            for t in ("events", "confirmations", "workbooks", "people")
        }
    finally:
        db.close()
