#!/usr/bin/env python3
"""Three `lims serve` nodes on one PostgreSQL database behind Debian's nginx (ctest
cluster.kill_node; issue 17, first scenario).

A throwaway database on the server LIMS_TEST_PG names (scripts/run-tests starts one),
`lims migrate` run once, three nodes on loopback ports, nginx in front (round robin,
passive health: a node that fails is left out for 2 s). Writers register regulated
entities through nginx, each request with its own Idempotency-Key and retried with the
same key when the answer is lost (502, 503, connection error, 409 in progress). Meanwhile
the node holding the alarm job is killed with SIGKILL and restarted on its port. Beside the
writers, the steady mixed load: a reader reads back registered entities, an HL7 analyzer
sends ORU messages through a `lims gateway` (pointed at nginx, its outbox in between), a
logger's gateway posts readings (with an excursion, so alarms are raised and delivered
through the webhook channel to a receiver here). Every node has lims.drivers.enabled: the
in-process drivers run on the one node holding their lease. Checked:
  - every entity the API answered 201 for is in the database exactly once, and no entity
    is there twice (retried idempotent requests are not doubled);
  - writes kept succeeding through the kill (nginx routed around the dead node);
  - every HL7 message the gateway acknowledged is in the database exactly once, and the
    gateway's outbox drained with nothing refused;
  - every reading batch answered 200 is stored, none twice;
  - each alarm notification was delivered once (the webhook saw no notification twice);
  - the in-process drivers' lease is held by exactly one node, and moves when it dies;
  - each periodic job ran on exactly one node and the other two skipped it
    (lims_job_runs_total / lims_job_skipped_total on each node's /metrics); the killed
    node's jobs moved to one survivor, and the restarted node skips them all.

    cluster_test.py --lims PATH --root SOURCE_DIR --work DIR [--nginx PATH]

Exits 77 (ctest: skipped) when LIMS_TEST_PG is not set, unless LIMS_REQUIRE_PG=1.
"""
import argparse
import http.server
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

sys.dont_write_bytecode = True  # no __pycache__ of harness.py in the source tree
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import harness as h  # noqa: E402
from harness import credit_code, expect, figure, metrics, psql  # noqa: E402

PASSWORD = "cluster-test-password"
LOAD_SECONDS = 14
KILL_AT = 4
RESTART_AT = 8
WRITERS = 4
JOBS = h.JOBS


class Webhook:
    """The SMS gateway's webhook (lims.webhook.url): counts each notification it is given."""

    def __init__(self):
        self.seen = {}
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                with outer.lock:
                    key = body.get("notification_id")
                    outer.seen[key] = outer.seen.get(key, 0) + 1
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


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
    h.fresh_work_dir(work)

    database = h.SharedServerDatabase(server, "lims_cluster_")
    conninfo = database.conninfo
    # A node that skipped a job asks again after 2 s (60 in production), so the killed
    # node's jobs move to another within the test.
    webhook = Webhook()
    # Every node may run the in-process drivers: only the lease holder does.
    env = dict(os.environ, LIMS_DATABASE="postgresql:" + conninfo, LIMS_JOBS_CLAIM_RETRY_SECONDS="2",
               LIMS_WEBHOOK_URL=f"http://127.0.0.1:{webhook.port}/sms", LIMS_DRIVERS_ENABLED="true")
    processes = h.Processes()
    try:
        lims = h.lims_command(args.lims, env)
        h.bootstrap(lims, PASSWORD, more=[
            (("org", "add", "--code", "LAB", "--kind", "inspection_centre", "--region", "320500", "--name",
              "Laboratory", "--parent", "PROV"), None),
            (("user", "add", "gw1", "--org", "LAB", "--role", "ingest_service", "--name", "Gateway"),
             PASSWORD + "\n")])
        issued = lims("token", "issue", "--user", "gw1", "--scope", "ingest")
        if issued.returncode != 0:
            sys.exit(f"FAIL: set-up: token issue: {issued.stderr}")
        ingest_token = issued.stdout.strip()
        lab_id = int(psql(conninfo, "SELECT id FROM organisations WHERE code = 'LAB'").strip())

        # A retry setting out of range is refused by name.
        cluster = h.Nodes(args.lims, args.root, work, env, processes)
        bad = subprocess.run(cluster.serve_argv(h.free_port()), capture_output=True, text=True, timeout=120,
                             env=dict(env, LIMS_JOBS_CLAIM_RETRY_SECONDS="0"))
        expect("lims.jobs.claim.retry.seconds=0 is refused (exit 2, naming the key)",
               bad.returncode == 2 and "lims.jobs.claim.retry.seconds must be 1 to 3600, got \"0\"" in bad.stderr,
               f"exit {bad.returncode}: {bad.stderr[-500:]}")

        cluster.start(3)
        ports, nodes = cluster.ports, cluster.procs
        base = h.start_nginx(args.nginx, work, ports, processes)
        token = h.login(base, "admin", PASSWORD)

        def api(method, path, body=None, bearer=None, key=None, timeout=30):
            headers = {"Authorization": "Bearer " + (bearer or token)}
            data = None
            if body is not None:
                headers["Content-Type"] = "application/json"
                data = json.dumps(body).encode()
            if key:
                headers["Idempotency-Key"] = key
            request = urllib.request.Request(base + path, method=method, data=data, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=timeout) as reply:
                    return reply.status, reply.read()
            except urllib.error.HTTPError as e:
                return e.code, e.read()
            except (urllib.error.URLError, OSError) as e:
                return type(e).__name__, b""

        def made(method, path, body):
            status, payload = api(method, path, body)
            if status not in (200, 201):
                sys.exit(f"FAIL: set-up: {method} {path}: {status} {payload[:500]}")
            return json.loads(payload) if payload else {}

        # The cold-chain site: three contacts with telephones (SMS through the webhook), a
        # refrigerator, a logger in it; and the HL7 analyzer the gateway listens for.
        for n in range(3):
            made("POST", "/api/v1/coldchain/contacts", {"org_id": lab_id, "name": f"Contact {n}",
                                                        "phone": f"+86 512 6000 000{n}"})
        unit = made("POST", "/api/v1/coldchain/storage-units",
                    {"code": "LAB-RF-01", "name": "Sample refrigerator", "kind": "refrigerator",
                     "storage_class": "refrigerated", "org_id": lab_id, "min_centi_celsius": 200,
                     "max_centi_celsius": 800})
        logger = made("POST", "/api/v1/coldchain/loggers", {"serial": "LAB-RF-01-L01", "model": "FL-20",
                                                            "organisation_code": "LAB"})
        load_started = int(time.time())
        made("POST", f"/api/v1/coldchain/loggers/{logger['id']}/placements",
             {"storage_unit_id": unit["id"], "from_utc": load_started - 4 * 3600})
        made("POST", "/api/v1/instruments", {"code": "HL7-GW", "organisation_code": "LAB", "name": "Analyzer",
                                             "family": "hl7", "transport": "tcp_listen", "address": "127.0.0.1:0"})
        gateway, hl7_port = h.start_gateway(args.lims, env, base, work, ingest_token, processes)

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
        lease = [i for i in range(3) if figure(pages[i], "lims_drivers_lease_held", "") == 1]
        expect("the in-process drivers run on one node (their lease)", len(lease) == 1, f"held on {lease}")
        sealers = h.sealer_nodes(pages)
        if sealers is not None:
            expect("the audit sealer runs on one node", len(sealers) == 1, f"held on {sealers}")
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
                                entity = json.loads(reply.read())
                                with lock:
                                    acknowledged.append(name)
                                    entity_ids.append(entity["id"])
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

        entity_ids = []     # ids answered 201
        reads = {}          # GET status -> count
        unreadable = []     # an acknowledged entity answered 404
        hl7_acked, hl7_other = [], []
        readings_acked = set()   # at_utc of readings in batches answered 200
        readings_outcomes = {}

        def reader():
            while not stop.is_set():
                with lock:
                    some = entity_ids[-4:]
                for entity_id in some:
                    status, _ = api("GET", f"/api/v1/regulated-entities/{entity_id}")
                    with lock:
                        reads[status] = reads.get(status, 0) + 1
                        if status == 404:
                            unreadable.append(entity_id)
                time.sleep(0.02)

        def analyzer():
            # An HL7 analyzer at the laboratory: ACKed by the gateway once its outbox holds
            # the message; the gateway delivers through nginx to any node.
            n = 0
            while not stop.is_set():
                n += 1
                control_id = f"CL{n:05d}"
                try:
                    ack = h.mllp_send(hl7_port, h.hl7_oru(control_id, f"SPEC-{n:05d}"))
                except OSError as e:
                    ack = type(e).__name__
                with lock:
                    (hl7_acked if ack == "AA" else hl7_other).append(control_id if ack == "AA" else ack)
                time.sleep(0.05)

        def post_readings(batch):
            key = uuid.uuid4().hex
            for attempt in range(40):
                status, payload = api("POST", "/api/v1/ingest/readings", {"readings": batch}, bearer=ingest_token,
                                      key=key)
                with lock:
                    readings_outcomes[status] = readings_outcomes.get(status, 0) + 1
                if status == 200:
                    with lock:
                        readings_acked.update(r["at_utc"] for r in batch)
                    return
                if status in (502, 503, 504) or not isinstance(status, int) or (
                        status == 409 and b"still being processed" in payload):
                    time.sleep(0.3)
                    continue
                return

        def readings_gateway():
            # First the last three hours at once (a gateway back from the night), 40 minutes
            # of them at 12 °C in a 2-8 °C refrigerator: an excursion, alarms to the contacts.
            serial = "LAB-RF-01-L01"
            start = load_started - 3 * 3600
            night = [{"logger": serial, "at_utc": t,
                      "centi_celsius": 1200 if start + 3600 <= t < start + 3600 + 40 * 60 else 500}
                     for t in range(start, start + 2 * 3600, 120)]
            for i in range(0, len(night), 30):
                post_readings(night[i:i + 30])
            # Then a batch every 0.3 s, five readings 10 s apart, still in the past (a reading
            # from the future is refused, not stored).
            t = start + 2 * 3600
            while not stop.is_set() and t + 50 < load_started:
                post_readings([{"logger": serial, "at_utc": t + 10 * k, "centi_celsius": 480} for k in range(5)])
                t += 50
                time.sleep(0.3)

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
        threads += [threading.Thread(target=f) for f in (reader, analyzer, readings_gateway)]
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
        cluster.start_one(victim)
        cluster.wait(victim)
        time.sleep(max(0.0, LOAD_SECONDS - (time.monotonic() - started)))
        stop.set()
        for t in threads:
            t.join(timeout=120)
        print(f"outcomes: {outcomes}; {len(acknowledged)} registrations acknowledged, {while_down} while a node was "
              f"down", flush=True)

        print(f"reads: {reads}; HL7 acknowledged by the gateway: {len(hl7_acked)}, other answers "
              f"{hl7_other[:5]}; readings: {readings_outcomes}, {len(readings_acked)} acknowledged", flush=True)
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

        # Reads: every acknowledged entity could be read back.
        expect("reads were answered", reads.get(200, 0) > 20, str(reads))
        expect("no acknowledged entity was missing on a read", not unreadable, str(unreadable[:5]))
        expect("no read was answered 500", 500 not in reads, str(reads))

        # HL7 through the gateway: every message it acknowledged reaches the database once.
        expect("the gateway acknowledged HL7 messages", len(hl7_acked) > 20, str(len(hl7_acked)))
        deadline = time.monotonic() + 90
        while True:
            raw = psql(conninfo, "SELECT count(*), count(DISTINCT sha256) FROM raw_messages").strip().split("|")
            if int(raw[0]) >= len(hl7_acked) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        expect("every acknowledged HL7 message is in the database, none twice",
               int(raw[0]) == len(hl7_acked) and int(raw[1]) == int(raw[0]),
               f"{raw[0]} raw messages ({raw[1]} distinct) for {len(hl7_acked)} acknowledged")
        status = subprocess.run([args.lims, "gateway", "status", "--outbox", str(work / "outbox.db")],
                                capture_output=True, text=True, env=env, timeout=60)
        expect("the gateway's outbox drained, nothing refused or rejected",
               status.returncode == 0 and re.search(r": 0 pending, \d+ delivered, 0 refused, 0 rejected", status.stdout),
               status.stdout + status.stderr)

        # Readings: every batch answered 200 is stored, once (a reading is keyed by logger and time).
        expect("reading batches were acknowledged", len(readings_acked) > 60, str(len(readings_acked)))
        stored = psql(conninfo, f"SELECT at_utc FROM readings WHERE logger_id = {logger['id']}").split()
        stored_times = [int(x) for x in stored]
        expect("every acknowledged reading is stored", readings_acked <= set(stored_times),
               f"{len(readings_acked - set(stored_times))} missing")
        expect("no reading is stored twice", len(stored_times) == len(set(stored_times)))

        # Alarms: the excursion's notifications were delivered, each once, by whichever node
        # held the alarm job (the killed one's survivor took it over).
        deadline = time.monotonic() + 10
        while True:
            pending = int(psql(conninfo, "SELECT count(*) FROM alarm_notifications WHERE channel = 'webhook' "
                                         "AND state = 'pending' AND next_attempt_utc <= "
                                         "CAST(extract(epoch FROM now()) AS BIGINT)").strip())
            if pending == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        sent = int(psql(conninfo, "SELECT count(*) FROM alarm_notifications WHERE channel = 'webhook' "
                                  "AND state = 'sent'").strip())
        with webhook.lock:
            seen = dict(webhook.seen)
        expect("alarm notifications were delivered through the webhook", sent > 0 and len(seen) > 0,
               f"{sent} sent, {len(seen)} seen; alarms: "
               + psql(conninfo, "SELECT kind, count(*) FROM coldchain_alarms GROUP BY kind").replace("\n", "; "))
        expect("each alarm notification was delivered once", all(n == 1 for n in seen.values()),
               str({k: n for k, n in seen.items() if n != 1}))
        expect("the webhook got what the database says was sent", len(seen) == sent, f"{len(seen)} vs {sent}")

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
        lease = [i for i in range(3) if figure(pages[i], "lims_drivers_lease_held", "") == 1]
        expect("after the kill, the in-process drivers run on one node", len(lease) == 1, f"held on {lease}")
        sealers = h.sealer_nodes([pages[i] for i in range(3)])
        if sealers is not None:
            expect("after the kill, the audit sealer runs on one node", len(sealers) == 1, f"held on {sealers}")
        # Three nodes wrote and one died mid-write: the chain is whole and every entry sealed.
        h.audit_verify(lims, len(acknowledged))
    finally:
        processes.stop()
        try:
            database.drop()
            webhook.close()
        except RuntimeError as e:
            print(f"warning: {e}")
    if h.failures:
        sys.exit(f"FAIL: {len(h.failures)} check(s) failed: {h.failures}")
    print("cluster.kill_node: all checks passed")


if __name__ == "__main__":
    main()
