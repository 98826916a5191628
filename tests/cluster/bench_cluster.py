#!/usr/bin/env python3
"""Issue 17's benchmark table: `lims serve` on SQLite (one node), on PostgreSQL (one node),
and on PostgreSQL (three nodes behind Debian's nginx), measured from outside with wrk.

For each setup: a fresh database, `lims migrate`, an administrator, the nodes (and nginx
for three), then wrk with --latency:
  - GET /api/v1/regulated-entities/{id} (a read through the token check and one row),
  - POST /api/v1/regulated-entities (a registration: an audited write, one COMMIT),
and around the POST run: COMMITs and WAL fsyncs of the server (pg_stat_database,
pg_stat_wal) or the group commits of SQLite (lims_db_write_commits_total) per 1,000
registrations, and each node's CPU time (utime + stime from /proc) per request.

    bench_cluster.py --lims build/release/lims/lims --root . --work /tmp/bench \\
        --setup sqlite|pg1|pg3 [--seconds 10] [--connections 16] [--threads 2]

PostgreSQL setups use the server LIMS_TEST_PG names (a new database each run). Prints one
JSON line of figures at the end.
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import harness as ct  # noqa: E402

PASSWORD = "bench-password-1234"

POST_LUA = """
local made = 0
setup = function(thread)
  made = made + 1
  thread:set("tid", made)
end
local counter = 0
request = function()
  counter = counter + 1
  local body = '{"name":"Bench ' .. os.time() .. '-' .. tostring(tid) .. '-' .. counter .. '","kind":"pharmacy",' ..
               '"jurisdiction_org_id":1,"region_code":"320508"}'
  return wrk.format("POST", "/api/v1/regulated-entities", nil, body)
end
"""


def cpu_ticks(pid):
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime, clock ticks


def wrk(url, token, seconds, connections, threads, script=None):
    argv = ["wrk", "--latency", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
            "-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/json"]
    if script:
        argv += ["-s", script]
    out = subprocess.run(argv + [url], capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "requests": total, "p99_ms": float(p99.group(1)) * scale,
            "non2xx": int(non2xx.group(1)) if non2xx else 0}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lims", required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--setup", required=True, choices=["sqlite", "pg1", "pg3"])
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    args = p.parse_args()
    work = pathlib.Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    server = os.environ.get("LIMS_TEST_PG", "")
    dbname = None
    if args.setup == "sqlite":
        url = f"sqlite:{work}/lims.db"
    else:
        if not server:
            sys.exit("LIMS_TEST_PG is not set")
        dbname = "lims_bench_" + uuid.uuid4().hex[:10]
        ct.psql(server, f"CREATE DATABASE {dbname}")
        conninfo = f"{server} dbname={dbname}"
        url = "postgresql:" + conninfo
    env = dict(os.environ, LIMS_DATABASE=url)
    processes = ct.Processes()
    try:
        ct.bootstrap(ct.lims_command(args.lims, env), PASSWORD)
        n = 3 if args.setup == "pg3" else 1
        cluster = ct.Nodes(args.lims, args.root, work, env, processes)
        cluster.start(n)
        ports, nodes = cluster.ports, cluster.procs
        base = f"http://127.0.0.1:{ports[0]}"
        if n > 1:
            base = ct.start_nginx(args.nginx, work, ports, processes, workers=2, access_log=False)
        login = urllib.request.Request(base + "/api/v1/auth/login", method="POST",
                                       data=json.dumps({"username": "admin", "password": PASSWORD}).encode(),
                                       headers={"Content-Type": "application/json"})
        token = json.load(urllib.request.urlopen(login, timeout=10))["token"]
        create = urllib.request.Request(base + "/api/v1/regulated-entities", method="POST",
                                        data=json.dumps({"name": "Read me", "kind": "pharmacy",
                                                         "jurisdiction_org_id": 1, "region_code": "320508"}).encode(),
                                        headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
        entity = json.load(urllib.request.urlopen(create, timeout=10))
        (work / "post.lua").write_text(POST_LUA)

        figures = {"setup": args.setup, "connections": args.connections, "seconds": args.seconds}
        # Warm-up: the pools open, statements are prepared.
        wrk(f"{base}/api/v1/regulated-entities/{entity['id']}", token, 2, args.connections, args.threads)

        before = [cpu_ticks(node.pid) for node in nodes]
        got = wrk(f"{base}/api/v1/regulated-entities/{entity['id']}", token, args.seconds, args.connections,
                  args.threads)
        after = [cpu_ticks(node.pid) for node in nodes]
        tick = os.sysconf("SC_CLK_TCK")
        figures["get"] = got
        figures["get_cpu_us_per_request_per_node"] = [
            round((a - b) / tick * 1e6 / max(1, got["requests"] / n), 1) for a, b in zip(after, before)]

        def db_counters():
            if args.setup == "sqlite":
                page = ct.metrics(f"http://127.0.0.1:{ports[0]}", token)
                return ct.figure(page, "lims_db_write_commits_total", 'backend="sqlite"'), None
            row = ct.psql(server, f"SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = '{dbname}'), "
                                  "(SELECT wal_sync FROM pg_stat_wal)").strip().split("|")
            return float(row[0]), float(row[1])

        c0 = db_counters()
        before = [cpu_ticks(node.pid) for node in nodes]
        got = wrk(f"{base}/api/v1/regulated-entities", token, args.seconds, args.connections, args.threads,
                  script=str(work / "post.lua"))
        after = [cpu_ticks(node.pid) for node in nodes]
        time.sleep(1)  # pg_stat counters are flushed by the backends shortly after
        c1 = db_counters()
        figures["post"] = got
        figures["post_cpu_us_per_request_per_node"] = [
            round((a - b) / tick * 1e6 / max(1, got["requests"] / n), 1) for a, b in zip(after, before)]
        done = got["requests"] - got["non2xx"]
        figures["commits_per_1000_registrations"] = round((c1[0] - c0[0]) * 1000 / max(1, done), 1)
        if c0[1] is not None:
            figures["wal_fsyncs_per_1000_registrations"] = round((c1[1] - c0[1]) * 1000 / max(1, done), 1)
        print(json.dumps(figures), flush=True)
    finally:
        processes.stop()
        if dbname:
            try:
                ct.psql(server, f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")
            except RuntimeError as e:
                print(f"warning: {e}")


if __name__ == "__main__":
    main()
