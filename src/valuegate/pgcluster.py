"""A throwaway PostgreSQL cluster, started from the server binaries, for tests and benchmarks.

It listens on a Unix socket only (no TCP), runs without fsync, and is removed when stopped. As root it
runs the server as the ``postgres`` system user, because ``initdb`` refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine


def server_bindir() -> Path | None:
    """The newest installed PostgreSQL server's bin directory, if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


class PgCluster:
    def __init__(self, bindir: Path, root: Path, server_settings: dict[str, str] | None = None) -> None:
        self.bindir, self.root = bindir, root
        self.server_settings = server_settings or {}
        self.data, self.sock, self.port = root / "data", root, 54000 + os.getpid() % 1000
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True)

    def start(self) -> None:
        if self.as_user:
            shutil.chown(self.root, "postgres")
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        options = f"-k {self.sock} -p {self.port} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        options += "".join(f" -c {k}={v}" for k, v in self.server_settings.items())
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-w",
            "-l",
            str(self.root / "log"),
            "-o",
            options,
            "start",
        )

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@/{dbname}?host={self.sock}&port={self.port}"

    def create_database(self, name: str, template: str | None = None) -> str:
        self.admin_sql(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def admin_sql(self, sql: str) -> None:
        engine = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(sql)
        finally:
            engine.dispose()


def new_cluster(server_settings: dict[str, str] | None = None) -> PgCluster:
    """Start a cluster in a fresh temporary directory; raise RuntimeError when no server is installed."""
    bindir = server_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries are not installed (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="vg-pg-"))
    os.chmod(root, 0o755)
    cluster = PgCluster(bindir, root, server_settings)
    cluster.start()
    return cluster


@contextmanager
def throwaway_cluster(server_settings: dict[str, str] | None = None) -> Iterator[PgCluster]:
    cluster = new_cluster(server_settings)
    try:
        yield cluster
    finally:
        cluster.stop()
