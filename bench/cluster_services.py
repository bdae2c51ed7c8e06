"""The processes bench/cluster.py runs, each private to the bench (own port, own temporary folder) on 127.0.0.1:
PostgreSQL (its own cluster: Debian's initdb and pg_ctl), Redis, moto's S3 server, haproxy, gunicorn instances,
and the app's `crm worker` and `crm scheduler`. `Services` starts them, restarts or kills one, and stops them all
(also on an error or Ctrl-C: the caller closes it in a `finally`)."""
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_BIN = Path(max(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))).parent if glob.glob(
    "/usr/lib/postgresql/*/bin/pg_ctl") else None
S3_ACCESS_KEY, S3_SECRET_KEY, S3_REGION, S3_BUCKET = "cluster-bench", "cluster-bench-secret", "us-east-1", "crm-cluster"
SECRET_KEY = "cluster-bench-shared-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, seconds: float, what: str, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited ({process.returncode})")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} not ready after {seconds:.0f} s")
        time.sleep(0.1)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def stop_process(process: subprocess.Popen | None, timeout: float = 15) -> None:
    """SIGTERM to its process group (it was started in a session of its own), SIGKILL if it lingers."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    except ProcessLookupError:
        pass


class Services:
    def __init__(self, workers: int = 2, threads: int = 4):
        self.folder = Path(tempfile.mkdtemp(prefix="crm-cluster-"))
        self.folder.chmod(0o755)  # the postgres account runs the database from a folder inside
        self.logs = self.folder / "logs"
        self.logs.mkdir()
        self.processes: dict[str, subprocess.Popen] = {}
        self.ports = {name: free_port() for name in ("postgres", "redis", "s3", "haproxy", "app_a", "app_b")}
        self.workers, self.threads = workers, threads
        self.pg_data = self.folder / "pgdata"
        self.database_url = f"postgresql://postgres@127.0.0.1:{self.ports['postgres']}/crm"
        self.redis_url = f"redis://127.0.0.1:{self.ports['redis']}/0"
        self.s3_endpoint = f"http://127.0.0.1:{self.ports['s3']}"
        self.base = f"http://127.0.0.1:{self.ports['haproxy']}"
        self.pg_started = False

    # -- the environment every app process shares; a host's own folders on top ------------------------------
    def host_folder(self, host: str) -> Path:
        folder = self.folder / "hosts" / host
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def env(self, host: str) -> dict:
        folder = self.host_folder(host)
        return {**os.environ, "DATABASE_URL": self.database_url, "REDIS_URL": self.redis_url, "SECRET_KEY": SECRET_KEY,
                "CRM_PUBLIC_URL": self.base, "CRM_TRUSTED_HOSTS": "127.0.0.1,localhost", "CRM_TRUSTED_PROXIES": "1",
                "CRM_STORAGE": "s3", "CRM_S3_BUCKET": S3_BUCKET, "CRM_S3_ENDPOINT_URL": self.s3_endpoint,
                "CRM_S3_REGION": S3_REGION, "AWS_ACCESS_KEY_ID": S3_ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": S3_SECRET_KEY,
                "CRM_GAZETTEER_INDEX": str(folder / "gazetteer.sqlite3"), "MAIL_OUTBOX": str(folder / "outbox"),
                "CRM_ATTACHMENTS_DIR": str(folder / "attachments"), "CRM_PDF_WARM_AT_START": "true",
                "CRM_REDIS_PREFIX": "crm:", "PYTHONUNBUFFERED": "1"}

    def start(self, name: str, command: list[str], env: dict | None = None, cwd: Path = ROOT) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115  (the child holds it; closed with it)
        process = subprocess.Popen(command, cwd=cwd, env=env or os.environ, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        self.processes[name] = process
        return process

    def kill(self, name: str) -> None:
        """SIGKILL to the process and everything it started (a host lost: gunicorn's workers, PDF workers)."""
        process = self.processes.get(name)
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(10)

    def run(self, name: str, command: list[str], env: dict | None = None, cwd: Path = ROOT) -> None:
        with open(self.logs / f"{name}.log", "ab") as log:
            subprocess.run(command, cwd=cwd, env=env or os.environ, stdout=log, stderr=subprocess.STDOUT, check=True,
                           stdin=subprocess.DEVNULL)

    # -- PostgreSQL: a cluster of its own ---------------------------------------------------------------------
    def _as_postgres(self, command: list[str]) -> list[str]:
        """initdb and pg_ctl refuse root: run them as the postgres account then."""
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    def start_postgres(self) -> None:
        if PG_BIN is None:
            raise RuntimeError("PostgreSQL's server is not installed (apt-get install postgresql)")
        self.pg_data.mkdir(mode=0o700)
        if os.geteuid() == 0:
            shutil.chown(self.pg_data, "postgres", "postgres")
            shutil.chown(self.logs, "postgres", "postgres")
        self.run("initdb", self._as_postgres([str(PG_BIN / "initdb"), "-D", str(self.pg_data), "-U", "postgres",
                                              "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]))
        options = (f"-p {self.ports['postgres']} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.pg_data} "
                   "-c max_connections=300 -c shared_buffers=256MB")
        self.pg_ctl("start", "-o", options, "-l", str(self.logs / "postgres.log"))
        self.pg_started = True
        with open(self.logs / "createdb.log", "ab") as log:
            subprocess.run([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.ports["postgres"]), "-U",
                            "postgres", "crm"], check=True, stdout=log, stderr=subprocess.STDOUT)

    def pg_ctl(self, action: str, *extra: str) -> None:
        with open(self.logs / "pg_ctl.log", "ab") as log:
            subprocess.run(self._as_postgres([str(PG_BIN / "pg_ctl"), action, "-D", str(self.pg_data), "-w", "-t",
                                              "60", *extra]), check=True, stdout=log, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL)

    def restart_postgres(self) -> None:
        self.pg_ctl("restart", "-m", "fast")

    # -- Redis, the object store, haproxy ---------------------------------------------------------------------
    def start_redis(self) -> None:
        port = self.ports["redis"]
        self.start("redis", ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(self.folder)])
        wait_for(lambda: port_open(port), 15, "redis-server", self.processes["redis"])

    def restart_redis(self) -> None:
        stop_process(self.processes["redis"])
        self.start_redis()

    def start_s3(self) -> None:
        self.start("s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.ports["s3"])])
        wait_for(lambda: port_open(self.ports["s3"]), 30, "moto_server", self.processes["s3"])
        self.s3_client().create_bucket(Bucket=S3_BUCKET)

    def s3_client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.s3_endpoint, region_name=S3_REGION,
                            aws_access_key_id=S3_ACCESS_KEY, aws_secret_access_key=S3_SECRET_KEY)

    def start_haproxy(self) -> None:
        config = self.folder / "haproxy.cfg"
        config.write_text(HAPROXY_CONFIG.format(port=self.ports["haproxy"], a=self.ports["app_a"],
                                                b=self.ports["app_b"]))
        self.start("haproxy", ["haproxy", "-db", "-f", str(config)])
        wait_for(lambda: port_open(self.ports["haproxy"]), 15, "haproxy", self.processes["haproxy"])

    # -- the app's processes ----------------------------------------------------------------------------------
    def flask(self, host: str, *arguments: str) -> list[str]:
        return [str(BIN / "flask"), "--app", "wsgi", *arguments]

    def start_app(self, host: str) -> None:
        """One app host: gunicorn as production runs it (the checkout's gunicorn.conf.py), its own folder."""
        port = self.ports[f"app_{host}"]
        self.start(f"app_{host}", [str(BIN / "gunicorn"), "--workers", str(self.workers), "--threads",
                                   str(self.threads), "--timeout", "90", "--bind", f"127.0.0.1:{port}", "--chdir",
                                   str(ROOT), "--access-logfile", str(self.logs / f"access_{host}.log"), "wsgi:app"],
                   env=self.env(host))
        wait_for(lambda: answers(f"http://127.0.0.1:{port}/healthz"), 60, f"app {host}", self.processes[f"app_{host}"])

    def start_worker(self) -> None:
        self.start("worker", self.flask("jobs", "crm", "worker"), env=self.env("jobs"))

    def start_scheduler(self) -> None:
        self.start("scheduler", self.flask("jobs", "crm", "scheduler"), env=self.env("jobs"))

    def close(self, keep_logs: Path | None = None) -> None:
        for name in ("haproxy", "app_a", "app_b", "worker", "scheduler", "s3", "redis"):
            stop_process(self.processes.get(name))
        if self.pg_started:
            try:
                self.pg_ctl("stop", "-m", "immediate")
            except (subprocess.CalledProcessError, OSError):
                pass
        if keep_logs is not None:
            shutil.rmtree(keep_logs, ignore_errors=True)
            shutil.copytree(self.logs, keep_logs)
        shutil.rmtree(self.folder, ignore_errors=True)


HAPROXY_CONFIG = """\
global
    maxconn 2000
    log stdout format raw local0 info

defaults
    mode http
    log global
    option httplog
    option redispatch
    retries 3
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    timeout queue 30s
    # A busy host answers its check late, not never: with 1 s, both hosts were taken out under load
    timeout check 5s

frontend web
    bind 127.0.0.1:{port}
    option forwardfor
    default_backend app

backend app
    balance roundrobin
    option httpchk
    http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    default-server inter 2s fall 3 rise 2
    server a 127.0.0.1:{a} check
    server b 127.0.0.1:{b} check
"""
