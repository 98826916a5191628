#!/usr/bin/env python3
"""Three `lims serve` nodes on one PostgreSQL database behind Debian's nginx (ctest
cluster.kill_node; issue 17, first scenario).

A throwaway database on the server LIMS_TEST_PG names (scripts/run-tests starts one),
`lims migrate` run once, three nodes on loopback ports, nginx in front (round robin,
passive health: a node that fails is left out for 2 s). Writers register regulated
entities through nginx, each request with its own Idempotency-Key and retried with the
same key when the answer is lost (502, 503, connection error, 409 in progress). Meanwhile
the node holding the alarm job is killed with SIGKILL and restarted on its port. Checked:
  - every entity the API answered 201 for is in the database exactly once, and no entity
    is there twice (retried idempotent requests are not doubled);
  - writes kept succeeding through the kill (nginx routed around the dead node);
  - each periodic job ran on exactly one node and the other two skipped it
    (lims_job_runs_total / lims_job_skipped_total on each node's /metrics); the killed
    node's jobs moved to one survivor, and the restarted node skips them all.

    cluster_test.py --lims PATH --root SOURCE_DIR --work DIR [--nginx PATH]

Exits 77 (ctest: skipped) when LIMS_TEST_PG is not set, unless LIMS_REQUIRE_PG=1.
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "demo"))
from demo import credit_code  # noqa: E402  (the demo's GB 32100 code, computed)

PASSWORD = "cluster-test-password"
READY_TIMEOUT = 90      # a sanitizer build on a loaded 2-core machine
LOAD_SECONDS = 14
KILL_AT = 4
RESTART_AT = 8
WRITERS = 4
JOBS = ["coldchain.offline", "coldchain.alarms", "coldchain.case_leads", "review.case_leads", "overdue.scan",
        "idempotency.purge", "coldchain.retention"]

failures = []


def expect(what, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + what + ("" if condition else f": {detail}"), flush=True)
    if not condition:
        failures.append(what)


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
    m = re.search(r"^" + re.escape(name + "{" + labels + "}") + r" (\S+)$", text, re.M)
    return float(m.group(1)) if m else 0.0


NGINX_CONF = """\
{user}
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
daemon off;
events {{ worker_connections 256; }}
http {{
    access_log {work}/nginx-access.log;
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
            proxy_next_upstream error timeout http_502 http_503;
        }}
    }}
}}
"""


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lims", required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    args = p.parse_args()
    server = os.environ.get("LIMS_TEST_PG", "")
    if not server:
        if os.environ.get("LIMS_REQUIRE_PG") == "1":
            sys.exit("FAIL: LIMS_TEST_PG is not set and LIMS_REQUIRE_PG=1")
        print("skipped: LIMS_TEST_PG is not set (scripts/run-tests sets it)")
        sys.exit(77)
    if not pathlib.Path(args.nginx).exists():
        sys.exit(f"FAIL: nginx not found at {args.nginx} (package nginx, scripts/debian-packages)")
    work = pathlib.Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    dbname = "lims_cluster_" + uuid.uuid4().hex[:12]
    psql(server, f"CREATE DATABASE {dbname}")
    conninfo = f"{server} dbname={dbname}"
    # A node that skipped a job asks again after 2 s (60 in production), so the killed
    # node's jobs move to another within the test.
    env = dict(os.environ, LIMS_DATABASE="postgresql:" + conninfo, LIMS_JOBS_CLAIM_RETRY_SECONDS="2")
    processes = []
    try:
        def lims(*argv, stdin=None):
            return subprocess.run([args.lims, *argv], input=stdin, capture_output=True, text=True, env=env,
                                  timeout=120)

        for step in (lims("migrate"),
                     lims("org", "add", "--code", "PROV", "--kind", "bureau", "--region", "320000", "--name",
                          "Province"),
                     lims("user", "add", "admin", "--org", "PROV", "--role", "administrator", "--name", "Admin",
                          stdin=PASSWORD + "\n")):
            if step.returncode != 0:
                sys.exit(f"FAIL: set-up: {step.args}: {step.stderr}")

        # A retry setting out of range is refused by name.
        bad = subprocess.run([args.lims, "serve", "--port", str(free_port()), "--web-root", "none", "--calendar-dir",
                              str(pathlib.Path(args.root) / "fixtures" / "calendars")],
                             capture_output=True, text=True, timeout=120,
                             env=dict(env, LIMS_JOBS_CLAIM_RETRY_SECONDS="0"))
        expect("lims.jobs.claim.retry.seconds=0 is refused (exit 2, naming the key)",
               bad.returncode == 2 and "lims.jobs.claim.retry.seconds must be 1 to 3600, got \"0\"" in bad.stderr,
               f"exit {bad.returncode}: {bad.stderr[-500:]}")

        ports = [free_port() for _ in range(3)]
        nodes = [None, None, None]

        def start_node(i):
            log = open(work / f"node{i}.log", "ab")
            nodes[i] = subprocess.Popen(
                [args.lims, "serve", "--port", str(ports[i]), "--web-root", "none", "--calendar-dir",
                 str(pathlib.Path(args.root) / "fixtures" / "calendars")],
                stdout=log, stderr=subprocess.STDOUT, env=env)
            processes.append(nodes[i])
            log.close()

        for i in range(3):
            start_node(i)
        for i in range(3):
            wait_healthy(f"http://127.0.0.1:{ports[i]}", nodes[i], work / f"node{i}.log")

        nginx_port = free_port()
        servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;" for port in ports)
        (work / "nginx.conf").write_text(NGINX_CONF.format(
            user="user root;" if os.geteuid() == 0 else "", work=work, servers=servers, port=nginx_port))
        nginx_log = open(work / "nginx.out", "wb")
        nginx = subprocess.Popen([args.nginx, "-p", str(work), "-c", str(work / "nginx.conf")], stdout=nginx_log,
                                 stderr=subprocess.STDOUT)
        processes.append(nginx)
        base = f"http://127.0.0.1:{nginx_port}"
        wait_healthy(base, nginx, work / "nginx-error.log")

        login = urllib.request.Request(base + "/api/v1/auth/login", method="POST",
                                       data=json.dumps({"username": "admin", "password": PASSWORD}).encode(),
                                       headers={"Content-Type": "application/json"})
        token = json.load(urllib.request.urlopen(login, timeout=10))["token"]

        # The periodic jobs: each ran (at start) on exactly one node; the others skipped it.
        time.sleep(1)
        pages = [metrics(f"http://127.0.0.1:{port}", token) for port in ports]
        holders = {}
        for job in JOBS:
            ran = [i for i in range(3) if figure(pages[i], "lims_job_runs_total", f'job="{job}"') > 0]
            skipped = [i for i in range(3)
                       if figure(pages[i], "lims_job_skipped_total", f'job="{job}",reason="held_elsewhere"') > 0]
            expect(f"job {job} ran on one node and was skipped on the two others",
                   len(ran) == 1 and sorted(ran + skipped) == [0, 1, 2], f"ran on {ran}, skipped on {skipped}")
            holders[job] = ran[0] if ran else None
        # The node killed is the one holding the alarm job: its jobs must move.
        victim = holders.get("coldchain.alarms")
        if victim is None:
            victim = 1
        held_by_victim = [job for job, node in holders.items() if node == victim]

        acknowledged = []   # names answered 201
        outcomes = {}       # status (or error) -> count, first tries and retries alike
        lock = threading.Lock()
        stop = threading.Event()

        def note(what):
            with lock:
                outcomes[what] = outcomes.get(what, 0) + 1

        def writer(w):
            n = 0
            while not stop.is_set():
                n += 1
                name = f"Cluster {w}-{n:05d}"
                body = json.dumps({"name": name, "kind": "pharmacy", "jurisdiction_org_id": 1,
                                   "region_code": "320508",
                                   "credit_code": credit_code("91", "320508", f"C{w}{n:06d}")}).encode()
                key = uuid.uuid4().hex
                for attempt in range(20):
                    request = urllib.request.Request(base + "/api/v1/regulated-entities", method="POST", data=body,
                                                     headers={"Content-Type": "application/json",
                                                              "Authorization": "Bearer " + token,
                                                              "Idempotency-Key": key})
                    try:
                        with urllib.request.urlopen(request, timeout=30) as reply:
                            note(reply.status)
                            if reply.status == 201:
                                with lock:
                                    acknowledged.append(name)
                            break
                    except urllib.error.HTTPError as e:
                        note(e.code)
                        detail = e.read()
                        if e.code in (502, 503, 504) or (e.code == 409 and b"still being processed" in detail):
                            time.sleep(0.3)
                            continue   # answer lost or node away: the same request again, same key
                        break
                    except (urllib.error.URLError, OSError) as e:
                        note(type(e).__name__)
                        time.sleep(0.3)

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
        started = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(KILL_AT)
        nodes[victim].send_signal(signal.SIGKILL)
        nodes[victim].wait()
        with lock:
            at_kill = len(acknowledged)
        time.sleep(RESTART_AT - KILL_AT)
        with lock:
            while_down = len(acknowledged) - at_kill
        start_node(victim)
        wait_healthy(f"http://127.0.0.1:{ports[victim]}", nodes[victim], work / f"node{victim}.log")
        time.sleep(max(0.0, LOAD_SECONDS - (time.monotonic() - started)))
        stop.set()
        for t in threads:
            t.join(timeout=120)
        print(f"outcomes: {outcomes}; {len(acknowledged)} registrations acknowledged, {while_down} while a node was "
              f"down", flush=True)

        expect("registrations were acknowledged", len(acknowledged) > 20, str(len(acknowledged)))
        expect("registrations went on while a node was killed", while_down > 0, str(while_down))
        rows = psql(conninfo, "SELECT name, count(*) FROM regulated_entities WHERE name LIKE 'Cluster %' "
                              "GROUP BY name")
        counts = {}
        for line in rows.splitlines():
            name, _, n = line.rpartition("|")
            counts[name] = int(n)
        missing = [name for name in acknowledged if counts.get(name, 0) == 0]
        doubled = [name for name, n in counts.items() if n > 1]
        expect("every 201 registration is in the database", not missing, f"{len(missing)} missing: {missing[:5]}")
        expect("no registration is in the database twice", not doubled, f"{doubled[:5]}")
        expect("no acknowledged name was answered twice", len(set(acknowledged)) == len(acknowledged))

        # The killed node's jobs moved to a surviving node (its session died with it, and
        # with the session its advisory locks); the restarted node runs none of them.
        survivors = [i for i in range(3) if i != victim]
        pages = {i: metrics(f"http://127.0.0.1:{ports[i]}", token) for i in range(3)}
        for job in held_by_victim:
            took = [i for i in survivors if figure(pages[i], "lims_job_runs_total", f'job="{job}"') > 0]
            expect(f"job {job} moved from the killed node {victim} to one survivor", len(took) == 1, f"ran on {took}")
        for job in JOBS:
            expect(f"the restarted node skips job {job} (held elsewhere)",
                   figure(pages[victim], "lims_job_runs_total", f'job="{job}"') == 0 and
                   figure(pages[victim], "lims_job_skipped_total", f'job="{job}",reason="held_elsewhere"') > 0,
                   pages[victim][-2000:])
        expect("the restarted node answers /metrics", "lims_http_requests_total" in pages[victim])
    finally:
        for proc in processes:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in processes:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        try:
            psql(server, f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")
        except RuntimeError as e:
            print(f"warning: {e}")
    if failures:
        sys.exit(f"FAIL: {len(failures)} check(s) failed: {failures}")
    print("cluster.kill_node: all checks passed")


if __name__ == "__main__":
    main()
