#!/usr/bin/env python3
"""Issue 17's benchmark table in one command: `lims serve` on SQLite (one node), on PostgreSQL
(one node), and on PostgreSQL (three nodes behind Debian's nginx), measured from outside.

    bench_cluster.py --lims build/release/lims/lims --root . --work /tmp/bench-cluster \\
        [--setups sqlite,pg1,pg3] [--seconds 8] [--connections 16] [--threads 2] \\
        [--hl7-connections 4] [--hl7-messages 3000] [--pg-server CONNINFO]

Each setup starts from nothing: a fresh SQLite file, or a private PostgreSQL server of its
own (initdb in a temporary folder, fsync=on, synchronous_commit=on, so its WAL counters are
this run's alone; --pg-server names an existing server instead, a new database on it each
run, its counters then shared with whatever else runs there), `lims migrate`, the
organisations and users through the API as the demo makes them (a bureau, a supervision
office with two samplers and a planner's published plan, a laboratory with its gateway
account and an HL7 analyzer), the node(s), and for three nodes nginx with the upstream block
of docs/operations.md. Then, from the same machine:

  - GET /api/v1/samples/{number} with wrk --latency (rotating over 200 samples registered
    beforehand): requests/s, p99;
  - POST /api/v1/samples with wrk --latency (a sample registration: validation, the sampled
    unit and product found or made, numbers, seals, one audited write transaction):
    registrations/s, p99; around it the database's COMMITs and fsyncs (PostgreSQL:
    xact_commit of the database in pg_stat_database, wal_write and wal_sync of pg_stat_wal;
    SQLite: the store's group commits, lims_db_write_commits_total) per 1,000 registrations;
  - SQLite only, a second, shorter POST run with strace attached to the node (strace -f -c
    -e trace=fsync,fdatasync): fsync + fdatasync calls per 1,000 registrations (strace slows
    the node, so the rate of this run is not reported);
  - HL7: a real `lims gateway` (its outbox a SQLite file, each message acknowledged AA once
    its outbox committed it) delivering through nginx (three nodes) or straight to the node;
    --hl7-connections analyzers send --hl7-messages ORU^R01 in all, each waiting for its ACK
    before the next message. Reported: messages acknowledged per second at the analyzers,
    and messages delivered per second (from the first message sent until the gateway's
    outbox is drained: every message committed by the service), checked against the
    raw_messages rows in the database (each once);
  - for each phase, each node's CPU time (utime + stime from /proc) per request, and the
    PostgreSQL server's (all its processes) per request, so the scaling can be projected.

Prints a JSON line per setup as it finishes and the Markdown table of all at the end.
"""
import argparse
import datetime as dt
import json
import os
import pathlib
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ of harness.py in the source tree
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import harness as h  # noqa: E402

PASSWORD = "bench-password-1234"
PRELOADED = 200   # samples registered before the read phase, read in turn
# Suzhou's districts and county-level cities (GB/T 2260): one supervision office in each of
# the first --regions. A sample number is counted per region and year (number_counters).
REGIONS = ["320508", "320505", "320506", "320507", "320509", "320581", "320582", "320583", "320585"]
TICK = os.sysconf("SC_CLK_TCK")
STATS_SETTLE = 11  # s before reading pg_stat counters (an idle backend reports within 10 s)

GET_LUA = """
local numbers = {%(numbers)s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/v1/samples/" .. numbers[(i %% #numbers) + 1])
end
"""

# One registration per request, the offices in turn (each its own region, sampler token and
# task); seal numbers unique per run, thread and request.
POST_LUA = """
local made = 0
setup = function(thread)
  made = made + 1
  thread:set("tid", made)
end
local heads = {%(heads)s}
local tails = {%(tails)s}
local tokens = {%(tokens)s}
local counter = 0
request = function()
  counter = counter + 1
  local k = (counter %% #heads) + 1
  local seal = "%(prefix)s-" .. tostring(tid) .. "-" .. counter
  local body = heads[k] .. seal .. '-1","' .. seal .. '-2"' .. tails[k]
  return wrk.format("POST", "/api/v1/samples",
                    {["Authorization"] = tokens[k], ["Content-Type"] = "application/json"}, body)
end
"""


def registration(task, samplers, seals, sampled_at, entity_code, maker_code):
    return {"task_number": task,
            "entity": {"name": "人民路大药房", "credit_code": entity_code, "kind": "pharmacy",
                       "address": "苏州市姑苏区人民路88号"},
            "product": {"name": "阿莫西林胶囊", "category": "drug", "dosage_form": "capsule",
                        "specification": "0.25 g x 24", "manufacturer_name": "Maker Co.",
                        "manufacturer_credit_code": maker_code},
            "batch_number": "B2401", "production_date": "2025-01-15", "expiry_date": "2027-01-14",
            "quantity": "6", "unit": "box", "test_quantity": "4", "retained_quantity": "2",
            "storage_condition": "ambient", "seal_numbers": seals, "sampler_user_ids": samplers,
            "sampled_at": sampled_at, "sampling_place": "dispensary shelf 3",
            "trace_codes": ["81234567890123456789"]}


class Api:
    def __init__(self, base, token=None):
        self.base, self.token = base, token

    def call(self, method, path, body=None, etag=None, expect=(200, 201)):
        request = urllib.request.Request(self.base + path, method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", "Bearer " + self.token)
        if etag:
            request.add_header("If-Match", etag)
        try:
            with urllib.request.urlopen(request, timeout=60) as reply:
                status, raw, headers = reply.status, reply.read(), reply.headers
        except urllib.error.HTTPError as e:
            status, raw, headers = e.code, e.read(), e.headers
        if status not in expect:
            sys.exit(f"set-up: {method} {path}: HTTP {status}: {raw[:500]}")
        return (json.loads(raw) if raw else None), headers.get("ETag")


def wal_commit_records(pg, start, end):
    """COMMIT records in the private server's WAL from `start` to `end` (pg_waldump
    --stats=record): the transactions that wrote, as against xact_commit's all."""
    done = subprocess.run([str(pg.bin / "pg_waldump"), "-p", str(pg.dir / "data" / "pg_wal"), "-s", start, "-e", end,
                           "--stats=record"], capture_output=True, text=True, timeout=120)
    m = re.search(r"^Transaction/COMMIT\s+(\d+)", done.stdout, re.M)
    if not m:
        raise RuntimeError(f"pg_waldump: {done.stdout[-1000:]} {done.stderr[-1000:]}")
    return int(m.group(1))


def cpu_ticks(pid):
    try:
        fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime, clock ticks


def server_ticks(postmaster):
    """CPU ticks of the PostgreSQL server: the postmaster and its children (backends,
    WAL writer, checkpointer...). A backend that ended between two readings drops out."""
    if postmaster is None:
        return 0
    total = cpu_ticks(postmaster)
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total


def wrk(url, token, seconds, connections, threads, script):
    argv = ["wrk", "--latency", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
            "-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/json", "-s", script, url]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 120).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: .*", out)
    return {"rps": rps, "requests": total, "p99_ms": round(float(p99.group(1)) * scale, 2),
            "non2xx": int(non2xx.group(1)) if non2xx else 0, "socket_errors": errors.group(0) if errors else ""}


class Meter:
    """CPU of the nodes and of the PostgreSQL server over a phase."""

    def __init__(self, nodes, postmaster):
        self.nodes, self.postmaster = nodes, postmaster

    def __enter__(self):
        self.before = [cpu_ticks(n.pid) for n in self.nodes]
        self.server_before = server_ticks(self.postmaster)
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc):
        self.after = [cpu_ticks(n.pid) for n in self.nodes]
        self.server_after = server_ticks(self.postmaster)
        self.seconds = time.monotonic() - self.started
        return False

    def per_request(self, requests):
        """µs of CPU per request on each node (each node's CPU over its share, requests / n),
        and the server's µs per request (all requests)."""
        n = len(self.nodes)
        nodes = [round((a - b) / TICK * 1e6 / max(1, requests / n), 1) for a, b in zip(self.after, self.before)]
        server = round((self.server_after - self.server_before) / TICK * 1e6 / max(1, requests), 1) \
            if self.postmaster else None
        return nodes, server


def strace_fsyncs(pid, out):
    """strace -f -c on the node for fsync/fdatasync; returns (process, parse)."""
    proc = subprocess.Popen(["strace", "-f", "-c", "-e", "trace=fsync,fdatasync", "-o", str(out), "-p", str(pid)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def parse():
        calls = {}
        for line in pathlib.Path(out).read_text().splitlines():
            m = re.match(r"\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(fsync|fdatasync)\s*$", line)
            if m:
                calls[m.group(2)] = int(m.group(1))
        return calls

    return proc, parse


def hl7_load(port, connections, messages):
    """`connections` analyzers, each on its own MLLP connection, sending their share of
    `messages` ORU^R01 one after the other (next message after the ACK). Returns
    (acknowledged AA, other answers, seconds)."""
    acked, other = [0] * connections, []
    lock = threading.Lock()

    def analyzer(a):
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            for n in range(a, messages, connections):
                ack = h.mllp_exchange(sock, h.hl7_oru(f"B{n:07d}", f"SPEC-{n:07d}"))
                if ack == "AA":
                    acked[a] += 1
                else:
                    with lock:
                        other.append(ack)

    threads = [threading.Thread(target=analyzer, args=(a,)) for a in range(connections)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(acked), other, time.monotonic() - started


def gateway_counts(lims, env, outbox):
    done = subprocess.run([lims, "gateway", "status", "--outbox", str(outbox)], capture_output=True, text=True,
                          env=env, timeout=60)
    m = re.search(r": (\d+) pending, (\d+) delivered, (\d+) refused, (\d+) rejected", done.stdout)
    if not m:
        raise RuntimeError(f"lims gateway status: {done.stdout} {done.stderr}")
    return tuple(int(x) for x in m.groups())


def run_setup(args, setup):
    work = pathlib.Path(args.work) / setup
    h.fresh_work_dir(work)
    pg = database = None
    postmaster = None
    figures = {"setup": setup, "connections": args.connections, "seconds": args.seconds, "regions": args.regions}
    processes = h.Processes()
    try:
        if setup == "sqlite":
            url = f"sqlite:{work}/lims.db"
        elif args.pg_server:
            database = h.SharedServerDatabase(args.pg_server, "lims_bench_", digits=10)
            conninfo = database.conninfo
            url = "postgresql:" + conninfo
        else:
            settings = {"fsync": "on", "synchronous_commit": "on", "max_connections": "200"}
            if args.pg_statements:
                settings["shared_preload_libraries"] = "pg_stat_statements"
            pg = h.PrivatePostgres(settings)
            pg.start()
            postmaster = pg.postmaster_pid()
            conninfo = pg.conninfo
            url = "postgresql:" + conninfo
        if setup != "sqlite":
            figures["postgresql"] = h.psql(conninfo, "SELECT current_setting('server_version') || ' fsync=' || "
                                                     "current_setting('fsync') || ' synchronous_commit=' || "
                                                     "current_setting('synchronous_commit')").strip()
        env = dict(os.environ, LIMS_DATABASE=url)
        h.bootstrap(h.lims_command(args.lims, env), PASSWORD)
        n = 3 if setup == "pg3" else 1
        cluster = h.Nodes(args.lims, args.root, work, env, processes)
        cluster.start(n)
        nodes = cluster.procs
        base = cluster.url(0)
        if n > 1:
            base = h.start_nginx(args.nginx, work, cluster.ports, processes, workers=2, access_log=False)

        # The organisations and users, through the API as the demo seeds them.
        admin = Api(base, h.login(base, "admin", PASSWORD))
        orgs = {o["code"]: o["id"] for o in admin.call("GET", "/api/v1/organisations")[0]["items"]}
        regions = REGIONS[:args.regions]
        offices = [f"OFFICE{k}" for k in range(len(regions))]
        for code, kind, region, parent in ([("CITY", "bureau", "320500", "PROV"),
                                            ("LAB", "inspection_centre", "320500", "CITY")] +
                                           [(office, "supervision_office", region, "CITY")
                                            for office, region in zip(offices, regions)]):
            orgs[code] = admin.call("POST", "/api/v1/organisations", {"code": code, "name": code, "kind": kind,
                                                                       "region_code": region,
                                                                       "parent_id": orgs[parent]})[0]["id"]
        users = {}
        for username, org, role in ([("planner", "CITY", "planner"), ("gateway", "LAB", "ingest_service")] +
                                    [(f"sampler{k}{ab}", office, "sampler") for k, office in enumerate(offices)
                                     for ab in "ab"]):
            users[username] = admin.call("POST", "/api/v1/users", {
                "username": username, "display_name": username, "organisation_id": orgs[org], "roles": [role],
                "password": PASSWORD})[0]["id"]
        ingest_token = admin.call("POST", "/api/v1/auth/service-tokens", {"user_id": users["gateway"]})[0]["token"]
        admin.call("POST", "/api/v1/instruments", {"code": "HL7-GW", "organisation_code": "LAB", "name": "Analyzer",
                                                   "family": "hl7", "transport": "tcp_listen",
                                                   "address": "127.0.0.1:0"})
        planner = Api(base, h.login(base, "planner", PASSWORD))
        year = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).year
        plan, etag = planner.call("POST", "/api/v1/sampling-plans", {
            "code": f"BENCH-{year}", "title": "bench", "year": year, "starts_on": f"{year}-01-01",
            "ends_on": f"{year}-12-31", "quotas": [{"office_id": orgs[office], "category": "drug", "focus": "bench",
                                                   "quantity": 100000, "due_on": f"{year}-12-31"}
                                                  for office in offices]})
        tasks = planner.call("POST", f"/api/v1/sampling-plans/{plan['code']}/publish", etag=etag)[0]["tasks"]
        task_of = {t["office_id"]: t for t in tasks}
        sampled_at = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        # One office per region (a sample number counts per region and year): its samplers,
        # its started task, the body of its registrations split where the seals go.
        per_office = []
        for k, (office, region) in enumerate(zip(offices, regions)):
            token = h.login(base, f"sampler{k}a", PASSWORD)
            sampler = Api(base, token)
            task = task_of[orgs[office]]
            _, etag = sampler.call("GET", f"/api/v1/tasks/{task['number']}")
            sampler.call("POST", f"/api/v1/tasks/{task['number']}/start", etag=etag)
            body = json.dumps(registration(task["number"], [users[f"sampler{k}a"], users[f"sampler{k}b"]], ["SEAL"],
                                           sampled_at, h.credit_code("91", region, "MA1FL001"),
                                           h.credit_code("91", region, "MA1FL002")), ensure_ascii=False)
            head, tail = body.split('"SEAL"')
            per_office.append({"api": sampler, "token": token, "head": head + '"', "tail": tail})
        sampler, sampler_token = per_office[0]["api"], per_office[0]["token"]

        def registration_body(k, seal):
            return json.loads(per_office[k]["head"] + seal + '-1","' + seal + '-2"' + per_office[k]["tail"])

        numbers = [sampler.call("POST", "/api/v1/samples", registration_body(0, f"PRE-{i}"))[0]["number"]
                   for i in range(PRELOADED)]
        (work / "get.lua").write_text(GET_LUA % {"numbers": ",".join(json.dumps(x) for x in numbers)})

        def lua_text(text):
            return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"

        def post_script(prefix):
            path = work / f"post-{prefix}.lua"
            path.write_text(POST_LUA % {
                "prefix": prefix,
                "heads": ", ".join(lua_text(o["head"]) for o in per_office),
                "tails": ", ".join(lua_text(o["tail"]) for o in per_office),
                "tokens": ", ".join(lua_text("Bearer " + o["token"]) for o in per_office)})
            return str(path)

        meter = Meter(nodes, postmaster)
        # Warm-up: the pools open, the statements are prepared, the caches fill.
        wrk(f"{base}/", sampler_token, 2, args.connections, args.threads, str(work / "get.lua"))
        wrk(f"{base}/", sampler_token, 2, args.connections, args.threads, post_script("W"))

        with meter:
            got = wrk(f"{base}/", sampler_token, args.seconds, args.connections, args.threads, str(work / "get.lua"))
        figures["get"] = got
        figures["get_cpu_us"], figures["get_server_cpu_us"] = meter.per_request(got["requests"])

        def counters():
            if setup == "sqlite":
                page = h.metrics(cluster.url(0), admin.token)
                return {"commits": h.figure(page, "lims_db_write_commits_total", 'backend="sqlite"')}
            # An idle PostgreSQL 15 backend reports its counters up to 10 s late.
            time.sleep(STATS_SETTLE)
            row = h.psql(conninfo, "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = "
                                   "current_database()), wal_write, wal_sync, pg_current_wal_lsn() FROM pg_stat_wal"
                         ).strip().split("|")
            return {"commits": float(row[0]), "wal_writes": float(row[1]), "wal_syncs": float(row[2]),
                    "lsn": row[3]}

        def per_1000(c0, c1, done):
            out = {k: round((c1[k] - c0[k]) * 1000 / max(1, done), 1) for k in c1 if k != "lsn"}
            if pg and "lsn" in c0:
                out["commit_records"] = round(wal_commit_records(pg, c0["lsn"], c1["lsn"]) * 1000 / max(1, done), 1)
            return out

        c0 = counters()
        if pg and args.pg_statements:
            h.psql(conninfo, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()")
        with meter:
            got = wrk(f"{base}/", sampler_token, args.seconds, args.connections, args.threads, post_script("P"))
        if pg and args.pg_statements:
            figures["statements"] = h.psql(conninfo, (
                "SELECT calls, round(total_exec_time)::bigint AS ms, round(total_exec_time * 1000 / calls)::bigint "
                "AS us_per_call, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 160) FROM pg_stat_statements "
                f"ORDER BY total_exec_time DESC LIMIT {args.pg_statements}")).strip().splitlines()
        c1 = counters()
        figures["post"] = got
        figures["post_cpu_us"], figures["post_server_cpu_us"] = meter.per_request(got["requests"])
        figures["per_1000_registrations"] = per_1000(c0, c1, got["requests"] - got["non2xx"])

        if setup == "sqlite" and shutil.which("strace"):
            c0 = counters()
            tracer, parse = strace_fsyncs(nodes[0].pid, work / "strace.txt")
            time.sleep(1)
            traced = wrk(f"{base}/", sampler_token, max(3, args.seconds // 2), args.connections, args.threads,
                         post_script("S"))
            tracer.terminate()
            tracer.wait(timeout=30)
            c1 = counters()
            calls = parse()
            done = traced["requests"] - traced["non2xx"]
            figures["strace"] = {"registrations": done, "calls": calls,
                                 "commits_per_1000": round((c1["commits"] - c0["commits"]) * 1000 / max(1, done), 1),
                                 "fsyncs_per_1000": round(sum(calls.values()) * 1000 / max(1, done), 1)}

        # HL7 through a real gateway (and nginx for three nodes).
        gateway, hl7_port = h.start_gateway(args.lims, env, base, work, ingest_token, processes)
        before_gateway = cpu_ticks(gateway.pid)
        c0 = counters()
        with meter:
            acked, other, ack_seconds = hl7_load(hl7_port, args.hl7_connections, args.hl7_messages)
            deadline = time.monotonic() + 300
            while True:
                pending, delivered, refused, rejected = gateway_counts(args.lims, env, work / "outbox.db")
                if pending == 0 or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
        gateway_cpu = cpu_ticks(gateway.pid) - before_gateway
        c1 = counters()
        figures["hl7_per_1000_messages"] = per_1000(c0, c1, delivered)
        if setup == "sqlite":
            with sqlite3.connect(f"file:{work}/lims.db?mode=ro", uri=True) as db:
                stored = db.execute("SELECT count(*), count(DISTINCT sha256) FROM raw_messages").fetchone()
        else:
            stored = [int(x) for x in h.psql(conninfo, "SELECT count(*), count(DISTINCT sha256) FROM raw_messages")
                      .strip().split("|")]
        figures["hl7"] = {"connections": args.hl7_connections, "messages": args.hl7_messages, "acknowledged": acked,
                          "other_answers": other[:5], "ack_per_s": round(acked / ack_seconds, 1),
                          "delivered": delivered, "pending": pending, "refused": refused, "rejected": rejected,
                          "delivered_per_s": round(delivered / meter.seconds, 1),
                          "raw_messages_in_database": stored[0], "distinct": stored[1],
                          "gateway_cpu_us_per_message": round(gateway_cpu / TICK * 1e6 / max(1, acked), 1)}
        figures["hl7_cpu_us"], figures["hl7_server_cpu_us"] = meter.per_request(delivered)
        if acked != args.hl7_messages or pending or refused or rejected or stored[0] != acked or stored[1] != acked:
            figures["hl7"]["problem"] = "not every message acknowledged, delivered and stored once"
        return figures
    finally:
        processes.stop()
        if database:
            try:
                database.drop()
            except RuntimeError as e:
                print(f"warning: {e}")
        if pg:
            pg.stop()


def table(results, lims, commit):
    def cpu(values, server):
        text = " / ".join(f"{v:.0f}" for v in values)
        return text + (f" (server {server:.0f})" if server is not None else "")

    names = {"sqlite": "SQLite, one node", "pg1": "PostgreSQL, one node",
             "pg3": "PostgreSQL, three nodes behind nginx"}
    lines = [f"`{lims}` at {commit}, {results[0]['seconds']} s per phase, registrations from "
             f"{results[0]['regions']} office(s) in as many regions, wrk {results[0]['connections']} "
             f"connections; HL7: {results[0]['hl7']['connections']} analyzers, {results[0]['hl7']['messages']} "
             f"messages through `lims gateway`; "
             f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()[0]:.1f}", "",
             "| setup | registrations/s (p99) | GET sample/s (p99) | HL7 acknowledged/s / delivered/s | "
             "COMMITs per 1,000 registrations | fsyncs per 1,000 registrations | CPU µs per registration per node | "
             "CPU µs per GET per node | CPU µs per HL7 message per node |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        per = r["per_1000_registrations"]
        if r["setup"] == "sqlite":
            st = r.get("strace", {})
            commits = f"{per['commits']:.0f} group commits"
            fsyncs = (f"{st['fsyncs_per_1000']:.0f} ({', '.join(f'{k} {v}' for k, v in st['calls'].items())} "
                      f"for {st['registrations']} registrations, strace)") if st else "not counted (no strace)"
        else:
            commits = f"{per['commits']:.0f} (xact_commit)" + (
                f", {per['commit_records']:.0f} COMMIT records in the WAL" if "commit_records" in per else "")
            fsyncs = f"{per['wal_syncs']:.0f} WAL syncs, {per['wal_writes']:.0f} WAL writes"
        hl7 = r["hl7"]
        lines.append(
            f"| {names[r['setup']]} | {r['post']['rps']:,.0f} ({r['post']['p99_ms']} ms) | "
            f"{r['get']['rps']:,.0f} ({r['get']['p99_ms']} ms) | {hl7['ack_per_s']:,.0f} / {hl7['delivered_per_s']:,.0f}"
            f"{' (' + hl7['problem'] + ')' if 'problem' in hl7 else ''} | {commits} | {fsyncs} | "
            f"{cpu(r['post_cpu_us'], r['post_server_cpu_us'])} | {cpu(r['get_cpu_us'], r['get_server_cpu_us'])} | "
            f"{cpu(r['hl7_cpu_us'], r['hl7_server_cpu_us'])} |")
    lines.append("")
    for r in results:
        per = r["hl7_per_1000_messages"]
        lines.append(f"- HL7 delivery, {names[r['setup']]}: per 1,000 messages delivered "
                     + ", ".join(f"{v:,.0f} {k.replace('_', ' ')}" for k, v in per.items())
                     + f"; the gateway's CPU {r['hl7']['gateway_cpu_us_per_message']:.0f} µs per message")
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lims", required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--setups", default="sqlite,pg1,pg3")
    p.add_argument("--seconds", type=int, default=8)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--hl7-connections", type=int, default=4)
    p.add_argument("--hl7-messages", type=int, default=3000)
    p.add_argument("--regions", type=int, default=1,
                   help=f"offices registering, each in its own region (1 to {len(REGIONS)})")
    p.add_argument("--pg-server", default="", help="an existing server's conninfo instead of a private one")
    p.add_argument("--pg-statements", type=int, default=0,
                   help="print the N statements that took the private server most time during the registrations "
                        "(pg_stat_statements)")
    p.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    args = p.parse_args()
    if not 1 <= args.regions <= len(REGIONS):
        sys.exit(f"--regions must be 1 to {len(REGIONS)}, got {args.regions}")
    setups = args.setups.split(",")
    for s in setups:
        if s not in ("sqlite", "pg1", "pg3"):
            sys.exit(f"--setups: {s!r} is not sqlite, pg1 or pg3")
    commit = subprocess.run(["git", "-C", args.root, "log", "-1", "--format=%h"], capture_output=True,
                            text=True).stdout.strip() or "?"
    if subprocess.run(["git", "-C", args.root, "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                      text=True).stdout.strip():
        commit += " (with uncommitted changes in the working tree)"
    results = []
    for setup in setups:
        figures = run_setup(args, setup)
        print(json.dumps(figures), flush=True)
        results.append(figures)
    print()
    print(table(results, args.lims, commit))
    for r in results:
        if r.get("statements"):
            print(f"\n{r['setup']}: the statements that took the server most time during the registrations "
                  "(calls | ms | µs a call | rows | statement):")
            print("\n".join(r["statements"]))


if __name__ == "__main__":
    main()
