"""What the cluster scripts share (tests/cluster: cluster_test.py, pg_restart_test.py,
bench_cluster.py): a throwaway PostgreSQL (a database on the server LIMS_TEST_PG names, or a
private server of its own), the `lims` set-up commands, `lims serve` nodes on loopback ports,
Debian's nginx in front of them, and the small HTTP, psql and /metrics helpers.

    import harness as h
    with h.Processes() as processes:
        nodes = h.Nodes(lims, root, work, env, processes)
        nodes.start(3)
        base = h.start_nginx(nginx, work, nodes.ports, processes)
        token = h.login(base, "admin", password)

Every process started through `Processes` is ended (SIGTERM, then SIGKILL after 30 s) when
the `with` block is left, whatever happened.
"""
import fcntl
import glob
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "demo"))
from demo import credit_code  # noqa: E402,F401  (the demo's GB 32100 code, computed)

READY_TIMEOUT = 90      # a sanitizer build on a loaded 2-core machine
# The periodic jobs each node claims (one advisory lock each on PostgreSQL).
JOBS = ["coldchain.offline", "coldchain.alarms", "coldchain.case_leads", "review.case_leads", "overdue.scan",
        "idempotency.purge", "coldchain.retention"]

failures = []


def expect(what, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + what + ("" if condition else f": {detail}"), flush=True)
    if not condition:
        failures.append(what)


_work_locks = []


def fresh_work_dir(work):
    """WORK emptied for this run, once no other run of the same script holds it: ctest's
    RUN_SERIAL orders one ctest's tests only, and two ctest runs in one build tree (two
    engineers) would otherwise delete each other's nodes' logs and the gateway's outbox.
    The lock (WORK.lock beside it) is held until the process ends."""
    work = pathlib.Path(work)
    work.parent.mkdir(parents=True, exist_ok=True)
    lock = open(work.parent / (work.name + ".lock"), "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(f"waiting for another run using {work} to end", flush=True)
        fcntl.flock(lock, fcntl.LOCK_EX)
    _work_locks.append(lock)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    return work


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(conninfo, sql):
    done = subprocess.run(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", sql],
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"psql: {sql}: {done.stderr}")
    return done.stdout


def wait_healthy(url, proc, log):
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=2)
            return
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline or (proc is not None and proc.poll() is not None):
                text = pathlib.Path(log).read_text(errors="replace")[-3000:] if pathlib.Path(log).exists() else ""
                sys.exit(f"FAIL: {url} did not come up; log {log}:\n{text}")
            time.sleep(0.2)


def metrics(url, token):
    request = urllib.request.Request(url + "/metrics", headers={"Authorization": "Bearer " + token})
    return urllib.request.urlopen(request, timeout=10).read().decode()


def figure(text, name, labels):
    m = re.search(r"^" + re.escape(name + ("{" + labels + "}" if labels else "")) + r" (\S+)$", text, re.M)
    return float(m.group(1)) if m else 0.0


def login(base, username, password):
    request = urllib.request.Request(base + "/api/v1/auth/login", method="POST",
                                     data=json.dumps({"username": username, "password": password}).encode(),
                                     headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request, timeout=10))["token"]


def hl7_oru(control_id, specimen):
    """An ORU^R01 of a chemistry panel (fixtures/messages/hl7/oru_r01_v251_example.hl7's shape)."""
    return "\r".join([
        f"MSH|^~\\&|HL7-GW|LAB|LIS|PROV|20261207093015+0800||ORU^R01^ORU_R01|{control_id}|P|2.5.1||||||UNICODE UTF-8",
        "PID|1||PID778812^^^HOSP^MR||WANG^LI||19800214|F",
        f"OBR|1|ORD-{control_id}|{specimen}|CHEM3^Chemistry panel^L|||20261207081000|||||||||||||||20261207093001|||F",
        "OBX|1|NM|14749-6^Glucose^LN||7.8|mmol/L^^UCUM|3.9-6.1|H|||F|||20261207081000||OPR01||SN41235^AU-Chem|"
        "20261207092944",
    ]) + "\r"


def mllp_exchange(sock, message):
    """Sends one framed message on an open connection and returns the ACK's MSA-1 (AA, AE,
    AR), or None when the connection closed first."""
    sock.sendall(b"\x0b" + message.encode() + b"\x1c\r")
    data = b""
    while b"\x1c\r" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            return None
        data += chunk
    m = re.search(rb"MSA\|(\w\w)", data)
    return m.group(1).decode() if m else None


def mllp_send(port, message, timeout=10):
    """Sends one framed message on a connection of its own and returns the ACK's MSA-1."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        return mllp_exchange(sock, message)


def audit_verify(run, at_least, timeout=20):
    """`lims audit verify` on the database until every entry is sealed (on PostgreSQL a node
    seals entries just after their commit; "not sealed yet" names those still waiting) or
    `timeout` s. Checks the chain is intact, all sealed, and at least `at_least` entries long."""
    deadline = time.monotonic() + timeout
    while True:
        done = run("audit", "verify")
        m = re.search(r"audit chain intact: (\d+) entries", done.stdout)
        waiting = "not sealed yet" in done.stdout
        if done.returncode != 0 or not waiting or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    expect(f"lims audit verify: the chain is intact, every entry sealed, at least {at_least} entries",
           done.returncode == 0 and m is not None and not waiting and int(m.group(1)) >= at_least,
           f"exit {done.returncode}: {done.stdout[-500:]} {done.stderr[-500:]}")


def sealer_nodes(pages):
    """The nodes whose /metrics say they hold the audit sealer, or None when no node has one
    (SQLite seals inline; a build without the sealer)."""
    if not any("lims_audit_sealer_held" in page for page in pages):
        return None
    return [i for i, page in enumerate(pages) if figure(page, "lims_audit_sealer_held", "") == 1]


class Processes:
    """The processes a script started, ended when the `with` block is left (SIGTERM; SIGKILL
    for one still running after 30 s)."""

    def __init__(self):
        self.started = []

    def add(self, proc):
        self.started.append(proc)
        return proc

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def stop(self):
        for proc in self.started:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.started:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def lims_command(lims, env):
    """`lims ARGV...` with the environment `env` (+ `extra`), its input `stdin`; the finished process."""

    def run(*argv, stdin=None, extra=None):
        return subprocess.run([lims, *argv], input=stdin, capture_output=True, text=True,
                              env=dict(env, **(extra or {})), timeout=120)

    return run


def bootstrap(run, password, more=()):
    """The first steps on an empty database, as the operations guide has them: `lims migrate`,
    the provincial organisation PROV, its administrator `admin` (then the `more` steps, each
    (argv, stdin)). Exits naming the step that failed."""
    steps = [(("migrate",), None),
             (("org", "add", "--code", "PROV", "--kind", "bureau", "--region", "320000", "--name", "Province"), None),
             (("user", "add", "admin", "--org", "PROV", "--role", "administrator", "--name", "Admin"),
              password + "\n")]
    for argv, stdin in steps + list(more):
        done = run(*argv, stdin=stdin)
        if done.returncode != 0:
            sys.exit(f"FAIL: set-up: {done.args}: {done.stderr}")


class Nodes:
    """`lims serve` nodes on loopback ports (one free port each, kept across restarts), their
    output in WORK/node<i>.log."""

    def __init__(self, lims, root, work, env, processes):
        self.lims, self.root, self.work, self.env, self.processes = lims, pathlib.Path(root), pathlib.Path(work), env, \
            processes
        self.ports = []
        self.procs = []

    def serve_argv(self, port):
        return [self.lims, "serve", "--port", str(port), "--web-root", "none", "--calendar-dir",
                str(self.root / "fixtures" / "calendars")]

    def url(self, i):
        return f"http://127.0.0.1:{self.ports[i]}"

    def log(self, i):
        return self.work / f"node{i}.log"

    def start_one(self, i):
        """Starts node i (again, on its port, after it stopped); does not wait for it."""
        log = open(self.log(i), "ab")
        proc = subprocess.Popen(self.serve_argv(self.ports[i]), stdout=log, stderr=subprocess.STDOUT, env=self.env)
        log.close()
        self.procs[i] = self.processes.add(proc)
        return proc

    def wait(self, i):
        wait_healthy(self.url(i), self.procs[i], self.log(i))

    def start(self, n):
        """Starts n nodes and waits until each answers /healthz."""
        self.ports = [free_port() for _ in range(n)]
        self.procs = [None] * n
        for i in range(n):
            self.start_one(i)
        for i in range(n):
            self.wait(i)


NGINX_CONF = """\
{user}
worker_processes {workers};
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
daemon off;
events {{ worker_connections 256; }}
http {{
    access_log {access_log};
    client_body_temp_path {work}/nginx-body;
    proxy_temp_path {work}/nginx-proxy;
    fastcgi_temp_path {work}/nginx-fastcgi;
    uwsgi_temp_path {work}/nginx-uwsgi;
    scgi_temp_path {work}/nginx-scgi;
    upstream lims {{
        # Round robin; a node that fails once is left out for 2 s (passive health).
{servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 1m;
        location / {{
            proxy_pass http://lims;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_connect_timeout 2s;
            proxy_read_timeout 30s;
            # Only requests nginx knows were not processed move to another node; a POST
            # already sent is never repeated by nginx (the client retries with its key).
            proxy_next_upstream error timeout http_502;
        }}
    }}
}}
"""


def start_nginx(nginx, work, ports, processes, workers=1, access_log=True):
    """Debian's nginx in front of the nodes on `ports` (the upstream block of
    docs/operations.md), its files in WORK; waits for /healthz through it and returns its
    base URL. `workers` and `access_log` for the benchmark (2 workers, no log)."""
    work = pathlib.Path(work)
    port = free_port()
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in ports)
    (work / "nginx.conf").write_text(NGINX_CONF.format(
        user="user root;" if os.geteuid() == 0 else "", work=work, servers=servers, port=port, workers=workers,
        access_log=f"{work}/nginx-access.log" if access_log else "off"))
    out = open(work / "nginx.out", "wb")
    proc = processes.add(subprocess.Popen([nginx, "-p", str(work), "-c", str(work / "nginx.conf")], stdout=out,
                                          stderr=subprocess.STDOUT))
    out.close()
    base = f"http://127.0.0.1:{port}"
    wait_healthy(base, proc, work / "nginx-error.log")
    return base


class SharedServerDatabase:
    """A database of its own on the server `server` (a libpq conninfo, LIMS_TEST_PG), dropped
    (WITH FORCE) by drop()."""

    def __init__(self, server, prefix, digits=12):
        self.server = server
        self.name = prefix + uuid.uuid4().hex[:digits]
        psql(server, f"CREATE DATABASE {self.name}")
        self.conninfo = f"{server} dbname={self.name}"

    def drop(self):
        psql(self.server, f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


def postgres_bin():
    """The newest PostgreSQL server binaries' folder, or None."""
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return pathlib.Path(bins[-1]).parent if bins else None


class PrivatePostgres:
    """A throwaway server of our own (initdb + pg_ctl, its own port and folder), as
    scripts/run-tests starts one. `settings` are its -c options (fsync=off for the tests;
    the benchmark runs with fsync=on, synchronous_commit=on)."""

    def __init__(self, settings=None):
        self.bin = postgres_bin()
        if self.bin is None:
            raise FileNotFoundError("PostgreSQL server binaries not found (package postgresql)")
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="lims-cluster-pg."))
        self.port = free_port()
        self.as_pg = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
            self.as_pg = ["runuser", "-u", "postgres", "--"]
        self.settings = {"fsync": "off", "max_connections": "100"}
        self.settings.update(settings or {})
        self.conninfo = f"host=127.0.0.1 port={self.port} user=lims dbname=postgres"

    def run(self, *argv, timeout=120):
        done = subprocess.run(self.as_pg + [str(self.bin / argv[0]), *argv[1:]], capture_output=True, text=True,
                              timeout=timeout)
        if done.returncode != 0:
            log = (self.dir / "server.log")
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{argv}: {done.stderr}\n{tail}")
        return done

    def options(self):
        return f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 " + " ".join(
            f"-c {name}={value}" for name, value in self.settings.items())

    def start(self):
        self.run("initdb", "-D", str(self.dir / "data"), "-U", "lims", "-A", "trust", "-E", "UTF8", "--no-locale")
        self.run("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "server.log"), "-w", "-o",
                 self.options(), "start")

    def restart(self):
        self.run("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "server.log"), "-w", "-m", "fast",
                 "-o", self.options(), "restart")

    def postmaster_pid(self):
        return int((self.dir / "data" / "postmaster.pid").read_text().split()[0])

    def stop(self):
        try:
            self.run("pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "stop", timeout=60)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            print(f"warning: stopping the private PostgreSQL: {e}")
        shutil.rmtree(self.dir, ignore_errors=True)


def start_gateway(lims, env, base, work, token, processes, instrument="HL7-GW"):
    """`lims gateway` for one HL7 analyzer (tcp_listen on a free loopback port) delivering to
    `base` with the ingest token `token`; its outbox WORK/outbox.db, its output
    WORK/gateway.log. Returns (process, the port the analyzer connects to)."""
    work = pathlib.Path(work)
    (work / "ingest.token").write_text(token + "\n")
    (work / "instruments.json").write_text(json.dumps({"instruments": [
        {"id": instrument, "family": "hl7", "transport": "tcp_listen", "address": "127.0.0.1:0"}]}))
    log = open(work / "gateway.log", "wb")
    gateway = processes.add(subprocess.Popen(
        [lims, "gateway", "--service", base, "--token-file", str(work / "ingest.token"), "--registry",
         str(work / "instruments.json"), "--outbox", str(work / "outbox.db")], stdout=log, stderr=subprocess.STDOUT,
        env=env))
    log.close()
    port = None
    deadline = time.monotonic() + READY_TIMEOUT
    while port is None and time.monotonic() < deadline and gateway.poll() is None:
        m = re.search(rf"instrument {re.escape(instrument)} listening on port (\d+)",
                      (work / "gateway.log").read_text(errors="replace"))
        port = int(m.group(1)) if m else None
        time.sleep(0.1)
    if port is None:
        sys.exit(f"FAIL: the gateway did not listen: {(work / 'gateway.log').read_text(errors='replace')[-2000:]}")
    return gateway, port
