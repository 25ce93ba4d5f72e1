"""`make stack`: a production-like Townhall on loopback, under supervisord.

What runs (each a supervisord program, so `make stack-stop` stops exactly what this started):

- `postgres`: its own PostgreSQL cluster in var/stack/pg on 127.0.0.1:5433, never the machine's own
  server, so the fault run can stop and restart it without touching anything else;
- `redis`: Redis on 127.0.0.1:6380 for the shared cache and cached sessions (TOWNHALL_REDIS_URL);
- `smtp`: an aiosmtpd server on 127.0.0.1:8025 that keeps every email in var/stack/mail (Maildir),
  standing in for the council's mail relay (which cannot exist on a loopback machine);
- `app-1` … `app-N`: Townhall under granian, one worker and one blocking thread each (the runner
  benchmark measured more threads as slower and larger), on 127.0.0.1:8101 onwards;
- `nginx`: the load balancer on 127.0.0.1:8080, serving static files itself;
- `worker`: one `db_worker` running the background tasks (emails, webhooks);
- `scheduler`: `townhall housekeeping` every 15 minutes, as the systemd timer in production does
  (`make faults` makes it every 3 seconds).

Everything runs with TOWNHALL_ENV=production and its own secret and encryption keys, kept in
var/stack/secrets.env so the data stays readable across restarts. `deploy/systemd/` and
`deploy/nginx/` hold the same arrangement for a real machine (docs/operating.md).

    .venv/bin/python deploy/stack.py start [--app-processes 3] [--fresh]
    .venv/bin/python deploy/stack.py stop | status | env
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = REPO / ".venv" / "bin"
STACK_DIR = REPO / "var" / "stack"
LOG_DIR = STACK_DIR / "logs"


def _postgres_home() -> Path:
    """Where the stack's PostgreSQL cluster lives: var/stack, unless the `postgres` user (which
    runs it when we are root) cannot reach that folder, as in a checkout under a private home."""
    here = STACK_DIR
    if os.geteuid() != 0:
        return here
    probe = subprocess.run(
        ["runuser", "-u", "postgres", "--", "test", "-x", str(REPO / "var")],
        capture_output=True,
        check=False,
    )
    if probe.returncode == 0:
        return here
    digest = hashlib.sha1(str(REPO).encode(), usedforsecurity=False).hexdigest()[:10]
    return Path(f"/var/tmp/townhall-stack-{digest}")


PG_HOME = _postgres_home()
PG_DATA = PG_HOME / "pg"
PG_RUN = PG_HOME / "pgrun"
MAIL_DIR = STACK_DIR / "mail"
SUPERVISOR_CONF = STACK_DIR / "supervisord.conf"
SUPERVISOR_SOCK = STACK_DIR / "supervisor.sock"
SECRETS = STACK_DIR / "secrets.env"
STATE = STACK_DIR / "state.env"  # how the running stack was started

HOST = "127.0.0.1"
NGINX_PORT = 8080
STACK_URL = f"http://{HOST}:{NGINX_PORT}"
APP_PORT_BASE = 8101
PG_PORT = 5433
REDIS_PORT = 6380
SMTP_PORT = 8025
DATABASE_URL = f"postgres://postgres@{HOST}:{PG_PORT}/townhall"

SETUP_COMMANDS: list[list[str]] = [
    ["migrate", "--noinput", "-v0"],
    ["organisations", "import"],
    ["patterns", "publish"],
    ["demo"],  # prints how to sign in: run again at the end, for its output
    ["services", "demo"],
    ["collectstatic", "--noinput", "-v0"],
]


class StackError(Exception):
    """Something the stack needs is missing or did not start; the message says what to do."""


def _say(message: str) -> None:
    print(f"stack: {message}", flush=True)


# --- Finding the programs -----------------------------------------------------------------


def _postgres_bin() -> Path:
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if not versions:
        raise StackError("PostgreSQL is not installed: apt-get install postgresql")
    return versions[-1].parent


def _require(program: str, package: str) -> str:
    found = shutil.which(program) or (
        f"/usr/sbin/{program}" if Path(f"/usr/sbin/{program}").exists() else None
    )
    if not found:
        raise StackError(f"{program} is not installed: apt-get install {package} (or `make stack`)")
    return found


def _as_root() -> bool:
    return os.geteuid() == 0


# --- Configuration --------------------------------------------------------------------------


def _secrets() -> dict[str, str]:
    """The stack's secret key and encryption key: made once, kept so its data stays readable."""
    if not SECRETS.exists():
        STACK_DIR.mkdir(parents=True, exist_ok=True)
        key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        SECRETS.write_text(
            f"TOWNHALL_SECRET_KEY={secrets.token_urlsafe(64)}\nTOWNHALL_ENCRYPTION_KEYS={key}\n"
        )
        SECRETS.chmod(0o600)
    return _read_env_file(SECRETS)


def _read_env_file(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {name: value for name, value in pairs}


def stack_env(
    *, settings_module: str | None = None, extra_env: dict[str, str] | None = None
) -> dict[str, str]:
    """The environment every stack process runs with; also what a `townhall` command or a Python
    process with Django set up needs to act on the stack's database."""
    state = _read_env_file(STATE)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TOWNHALL_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env.update(
        {
            "TOWNHALL_ENV": "production",
            "TOWNHALL_DEBUG": "false",
            "TOWNHALL_ALLOWED_HOSTS": f"{HOST},localhost",
            "TOWNHALL_BASE_URL": STACK_URL,
            "TOWNHALL_VAR_DIR": str(STACK_DIR),
            "DATABASE_URL": DATABASE_URL,
            "TOWNHALL_REDIS_URL": f"redis://{HOST}:{REDIS_PORT}/0",
            "TOWNHALL_EMAIL_HOST": HOST,
            "TOWNHALL_EMAIL_PORT": str(SMTP_PORT),
            # The fault run delivers webhooks to a receiver on loopback; a real deploy never does.
            "TOWNHALL_WEBHOOKS_ALLOW_PRIVATE": "true",
            "DJANGO_SETTINGS_MODULE": settings_module
            or state.get("DJANGO_SETTINGS_MODULE", "townhall.config.settings"),
            # `bench.settings` is imported from the repository root.
            "PYTHONPATH": os.pathsep.join(
                p for p in [str(REPO), os.environ.get("PYTHONPATH", "")] if p
            ),
        }
    )
    env.update(_secrets())
    env.update({k: v for k, v in state.items() if k.startswith("TOWNHALL_")})
    env.update(extra_env or {})
    return env


def _supervisor_env(env: dict[str, str]) -> str:
    """supervisord's `environment=` line: only what differs from supervisord's own environment."""
    wanted = {
        k: v
        for k, v in env.items()
        if k.startswith(("TOWNHALL_", "DJANGO_")) or k in {"DATABASE_URL", "PYTHONPATH"}
    }
    return ",".join(f'{k}="{v.replace("%", "%%")}"' for k, v in sorted(wanted.items()))


def _program(
    name: str,
    command: str,
    *,
    env: str = "",
    user: str = "",
    stopsignal: str = "TERM",
    extra: str = "",
) -> str:
    lines = [
        f"[program:{name}]",
        f"command={command}",
        f"directory={REPO}",
        "autostart=false",
        "autorestart=true",
        # A restart is counted as started at once, so a program that dies while its database is
        # down is started again, however often, instead of being given up on.
        "startsecs=0",
        "startretries=1000000",
        f"stopsignal={stopsignal}",
        "stopwaitsecs=15",
        "stopasgroup=true",
        "killasgroup=true",
        f"stdout_logfile={LOG_DIR / (name + '.log')}",
        "redirect_stderr=true",
        "stdout_logfile_maxbytes=10MB",
        "stdout_logfile_backups=1",
    ]
    if env:
        lines.append(f"environment={env}")
    if user:
        lines.append(f"user={user}")
    if extra:
        lines.append(extra)
    return "\n".join(lines) + "\n"


def _nginx_conf(app_processes: int) -> str:
    template = (REPO / "deploy" / "nginx" / "stack.conf.template").read_text()
    upstreams = "\n".join(
        f"        server {HOST}:{APP_PORT_BASE + i} max_fails=1 fail_timeout=5s;"
        for i in range(app_processes)
    )
    return (
        template.replace("@STACK_DIR@", str(STACK_DIR))
        .replace("@REPO@", str(REPO))
        .replace("@LISTEN@", f"{HOST}:{NGINX_PORT}")
        .replace("@UPSTREAMS@", upstreams)
    )


def _supervisor_conf(*, app_processes: int, env: dict[str, str], housekeeping_seconds: int) -> str:
    pg_bin = _postgres_bin()
    postgres_user = "postgres" if _as_root() else ""
    th = VENV_BIN / "townhall"
    environment = _supervisor_env(env)
    parts = [
        f"""[unix_http_server]
file={SUPERVISOR_SOCK}
chmod=0700

[supervisord]
logfile={LOG_DIR / "supervisord.log"}
pidfile={STACK_DIR / "supervisord.pid"}
childlogdir={LOG_DIR}
{"user=root" if _as_root() else ""}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{SUPERVISOR_SOCK}
""",
        # SIGINT is PostgreSQL's "fast" shutdown: open transactions roll back, nothing is lost.
        _program(
            "postgres",
            f"{pg_bin / 'postgres'} -D {PG_DATA} -p {PG_PORT} -k {PG_RUN} "
            f"-c listen_addresses={HOST} -c max_connections=200",
            user=postgres_user,
            stopsignal="INT",
        ),
        _program(
            "redis",
            f"{_require('redis-server', 'redis-server')} --bind {HOST} --port {REDIS_PORT} "
            "--save '' --appendonly no",
        ),
        _program(
            "smtp",
            f"{VENV_BIN / 'python'} -m aiosmtpd -n -l {HOST}:{SMTP_PORT} "
            f"-c aiosmtpd.handlers.Mailbox {MAIL_DIR}",
        ),
    ]
    for index in range(app_processes):
        parts.append(
            _program(
                f"app-{index + 1}",
                f"{VENV_BIN / 'granian'} --interface wsgi --host {HOST} "
                f"--port {APP_PORT_BASE + index} --workers 1 --blocking-threads 1 --no-ws "
                "--log-level warning townhall.config.wsgi:application",
                env=environment,
            )
        )
    parts += [
        _program(
            "worker",
            f"{th} db_worker --queue-name default --interval 0.5",
            env=environment,
        ),
        _program(
            "scheduler",
            f"/bin/bash -c 'while true; do {th} housekeeping; sleep {housekeeping_seconds}; done'",
            env=environment,
        ),
        _program(
            "nginx",
            f"{_require('nginx', 'nginx')} -c {STACK_DIR / 'nginx.conf'} -g 'daemon off;'",
            stopsignal="QUIT",
        ),
    ]
    return "\n".join(parts)


# --- Controlling supervisord -----------------------------------------------------------------


def _supervisorctl(*args: str, check: bool = True) -> str:
    result = subprocess.run(
        [str(VENV_BIN / "supervisorctl"), "-c", str(SUPERVISOR_CONF), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    # supervisorctl exits non-zero for programs that are not running, which `status` reports.
    if check and result.returncode not in (0, 3):
        raise StackError(f"supervisorctl {' '.join(args)}: {result.stdout}{result.stderr}".strip())
    return result.stdout


def supervisor_running() -> bool:
    if not SUPERVISOR_SOCK.exists():
        return False
    result = subprocess.run(
        [str(VENV_BIN / "supervisorctl"), "-c", str(SUPERVISOR_CONF), "pid"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0 and result.stdout.strip().isdigit()


def program_start(name: str) -> None:
    _supervisorctl("start", name)


def program_stop(name: str) -> None:
    _supervisorctl("stop", name)


def program_pids(name: str) -> list[int]:
    """The program's process and all its descendants (granian's worker, for example)."""
    out = _supervisorctl("pid", name, check=False).strip()
    if not out.isdigit() or out == "0":
        return []
    pids = [int(out)]
    index = 0
    while index < len(pids):
        children = Path(f"/proc/{pids[index]}/task/{pids[index]}/children")
        with contextlib.suppress(OSError):  # it may have exited meanwhile
            pids += [int(p) for p in children.read_text().split()]
        index += 1
    return pids


def program_signal(name: str, sig: int) -> list[int]:
    """Send `sig` to the program's whole process group (kill -9 of one app process kills its
    granian worker too); the pids signalled."""
    pids = program_pids(name)
    if pids:
        os.killpg(os.getpgid(pids[0]), sig)
    return pids


def program_states() -> dict[str, str]:
    states = {}
    for line in _supervisorctl("status", check=False).splitlines():
        fields = line.split()
        if len(fields) >= 2:
            states[fields[0]] = fields[1]
    return states


# --- Waiting ---------------------------------------------------------------------------------


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def _wait_port(port: int, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _port_open(port):
            return
        time.sleep(0.2)
    raise StackError(f"{what} did not open 127.0.0.1:{port} within {timeout:.0f} s: see {LOG_DIR}")


def _wait_http(url: str, timeout: float = 60) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as error:
            last = f"HTTP {error.code}"
        except OSError as error:
            last = str(error)
        time.sleep(0.3)
    raise StackError(f"{url} did not answer 200 within {timeout:.0f} s ({last}): see {LOG_DIR}")


# --- Starting and stopping -------------------------------------------------------------------


def _pg_init() -> None:
    if (PG_DATA / "PG_VERSION").exists():
        return
    PG_DATA.mkdir(parents=True, exist_ok=True)
    PG_RUN.mkdir(parents=True, exist_ok=True)
    command = [
        str(_postgres_bin() / "initdb"),
        "-D",
        str(PG_DATA),
        "-U",
        "postgres",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
    ]
    if _as_root():
        # PostgreSQL refuses to run as root: the cluster belongs to the `postgres` user.
        shutil.chown(PG_DATA, "postgres", "postgres")
        shutil.chown(PG_RUN, "postgres", "postgres")
        command = ["runuser", "-u", "postgres", "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise StackError(f"initdb failed: {result.stdout}{result.stderr}")


def _pg_create_database() -> None:
    import psycopg

    deadline = time.monotonic() + 60
    while True:
        try:
            with psycopg.connect(
                f"postgres://postgres@{HOST}:{PG_PORT}/postgres", autocommit=True, connect_timeout=2
            ) as connection:
                exists = connection.execute(
                    "SELECT 1 FROM pg_database WHERE datname = 'townhall'"
                ).fetchone()
                if not exists:
                    connection.execute("CREATE DATABASE townhall")
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def townhall(args: list[str], env: dict[str, str]) -> str:
    """Run a `townhall` command against the stack's database; stop with its output if it fails."""
    command_env = {**env, "DJANGO_SETTINGS_MODULE": "townhall.config.settings"}
    result = subprocess.run(
        [str(VENV_BIN / "townhall"), *args],
        env=command_env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise StackError(
            f"`townhall {' '.join(args)}` failed (exit {result.returncode}):\n"
            f"{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )
    return result.stdout


def stack_start(
    *,
    app_processes: int = 3,
    settings_module: str = "townhall.config.settings",
    fresh: bool = False,
    extra_env: dict[str, str] | None = None,
    housekeeping_seconds: int = 900,
) -> None:
    """Start the whole stack (stopping a running one first) and wait until nginx serves a page."""
    if supervisor_running():
        stack_stop()
    if fresh:
        for path in (PG_DATA, PG_RUN, MAIL_DIR, STACK_DIR / "media", STATE):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
    for directory in (LOG_DIR, MAIL_DIR, PG_RUN, STACK_DIR / "nginx-tmp"):
        directory.mkdir(parents=True, exist_ok=True)
    if _as_root():
        PG_HOME.mkdir(parents=True, exist_ok=True)
        shutil.chown(PG_RUN, "postgres", "postgres")
    for name in ("cur", "new", "tmp"):
        (MAIL_DIR / name).mkdir(exist_ok=True)
    for port, what in (
        (NGINX_PORT, "nginx"),
        (PG_PORT, "PostgreSQL"),
        (REDIS_PORT, "Redis"),
        (SMTP_PORT, "SMTP"),
        *((APP_PORT_BASE + i, "an app") for i in range(app_processes)),
    ):
        if _port_open(port):
            raise StackError(f"127.0.0.1:{port} ({what}) is already in use by something else")

    state = {"DJANGO_SETTINGS_MODULE": settings_module, "APP_PROCESSES": str(app_processes)}
    state.update(extra_env or {})
    STATE.write_text("".join(f"{k}={v}\n" for k, v in state.items()))
    env = stack_env()
    _pg_init()
    (STACK_DIR / "nginx.conf").write_text(_nginx_conf(app_processes))
    SUPERVISOR_CONF.write_text(
        _supervisor_conf(
            app_processes=app_processes, env=env, housekeeping_seconds=housekeeping_seconds
        )
    )

    _say(f"starting supervisord ({SUPERVISOR_CONF})")
    subprocess.run([str(VENV_BIN / "supervisord"), "-c", str(SUPERVISOR_CONF)], check=True)
    for _ in range(50):
        if supervisor_running():
            break
        time.sleep(0.1)
    program_start("postgres")
    program_start("redis")
    program_start("smtp")
    _wait_port(PG_PORT, "PostgreSQL")
    _wait_port(REDIS_PORT, "Redis")
    _wait_port(SMTP_PORT, "the SMTP server")
    _pg_create_database()
    _say("migrating and loading the register, the pattern library and the demo council")
    for args in SETUP_COMMANDS:
        townhall(args, env)
    sign_in = townhall(["demo"], env)
    for index in range(app_processes):
        program_start(f"app-{index + 1}")
    program_start("worker")
    program_start("scheduler")
    program_start("nginx")
    for index in range(app_processes):
        _wait_port(APP_PORT_BASE + index, f"app-{index + 1}")
    _wait_http(f"{STACK_URL}/healthz")
    _say(f"{app_processes} app processes behind nginx on {STACK_URL}/ (logs in {LOG_DIR})")
    print(sign_in.replace("http://127.0.0.1:8000", STACK_URL), flush=True)


def stack_stop() -> None:
    """Stop every program, then supervisord itself: exactly what `stack_start` started."""
    if not supervisor_running():
        _say("not running")
        return
    # Apps and the worker first, so nothing is mid-request when the database stops.
    states = program_states()
    for group in (
        [n for n in states if n.startswith("app-")] + ["nginx", "scheduler", "worker"],
        ["smtp", "redis", "postgres"],
    ):
        running = [n for n in group if states.get(n) in {"RUNNING", "STARTING", "BACKOFF"}]
        if running:
            _supervisorctl("stop", *running)
    pid_file = STACK_DIR / "supervisord.pid"
    pid = int(pid_file.read_text()) if pid_file.exists() else 0
    _supervisorctl("shutdown", check=False)
    deadline = time.monotonic() + 20
    while pid and time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    _say("stopped")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="start the stack (a running one is stopped first)")
    start.add_argument("--app-processes", type=int, default=3)
    start.add_argument("--fresh", action="store_true", help="delete the stack's data first")
    start.add_argument("--settings", default="townhall.config.settings")
    sub.add_parser("stop", help="stop everything the stack started")
    sub.add_parser("status", help="each program's state")
    sub.add_parser("env", help="print the environment that acts on the stack's database")
    args = parser.parse_args()
    try:
        if args.command == "start":
            stack_start(
                app_processes=args.app_processes, fresh=args.fresh, settings_module=args.settings
            )
        elif args.command == "stop":
            stack_stop()
        elif args.command == "status":
            if not supervisor_running():
                _say("not running")
                return 3
            print(_supervisorctl("status", check=False), end="")
        elif args.command == "env":
            env = stack_env()
            for key in sorted(env):
                if key.startswith(("TOWNHALL_", "DJANGO_")) or key in {
                    "DATABASE_URL",
                    "PYTHONPATH",
                }:
                    print(f"{key}={env[key]}")
    except StackError as error:
        print(f"stack: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.exit(main())
