#!/usr/bin/env python3
"""PostgreSQL restarted under load behind three `lims serve` nodes and Debian's nginx
(ctest cluster.pg_restart; issue 17).

A private PostgreSQL (initdb + pg_ctl from /usr/lib/postgresql/*/bin, its own port and
folder: the suite's shared server is not the one restarted), `lims migrate` once, three
nodes with a small pool (lims.db.pool=4), nginx in front. Writers register regulated
entities through nginx with an Idempotency-Key each, retried with the same key on 502, 503,
504 or a lost connection; a reader reads back what was registered; a prober asks one node
directly. At RESTART_AT the server is restarted (`pg_ctl restart -m fast`: every session
ended, the server away for a moment). Checked:
  - no request was answered 500 and none hung (each answer within its timeout);
  - the node answered 503 with Retry-After while the server was away (not 500);
  - every entity answered 201 is in the database exactly once, none twice;
  - registrations were acknowledged again after the restart without anything restarted
    by hand (the broken sessions replaced: lims_db_pool_sessions_discarded_total grew);
  - the periodic jobs are held again, each by one node (one advisory lock per job).

    pg_restart_test.py --lims PATH --root SOURCE_DIR --work DIR [--nginx PATH]

Exits 77 (ctest: skipped) when the PostgreSQL server binaries or nginx are missing, unless
LIMS_REQUIRE_PG=1.
"""
import argparse
import json
import os
import pathlib
import shutil
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

sys.dont_write_bytecode = True  # no __pycache__ of harness.py in the source tree
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import harness as h  # noqa: E402
from harness import credit_code  # noqa: E402

PASSWORD = "cluster-test-password"
LOAD_SECONDS = 12
RESTART_AT = 3
WRITERS = 4
JOBS = h.JOBS


def skip_or_fail(why):
    if os.environ.get("LIMS_REQUIRE_PG") == "1":
        sys.exit("FAIL: " + why)
    print("skipped: " + why)
    sys.exit(77)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lims", required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    args = p.parse_args()
    if not pathlib.Path(args.nginx).exists():
        skip_or_fail(f"nginx not found at {args.nginx} (package nginx, scripts/debian-packages)")
    work = pathlib.Path(args.work)
    h.fresh_work_dir(work)

    try:
        pg = h.PrivatePostgres()
    except FileNotFoundError as e:
        skip_or_fail(str(e))
    processes = h.Processes()
    try:
        pg.start()
        conninfo = pg.conninfo
        env = dict(os.environ, LIMS_DATABASE="postgresql:" + conninfo, LIMS_JOBS_CLAIM_RETRY_SECONDS="1",
                   LIMS_DB_POOL="4")

        lims = h.lims_command(args.lims, env)
        h.bootstrap(lims, PASSWORD)
        cluster = h.Nodes(args.lims, args.root, work, env, processes)

        # lims.db.pool out of range is refused by name, before anything is served.
        for bad_value in ("0", "many"):
            bad = lims(*cluster.serve_argv(h.free_port())[1:], extra={"LIMS_DB_POOL": bad_value})
            h.expect(f"lims.db.pool={bad_value} is refused (exit 2, naming the key)",
                      bad.returncode == 2 and f'lims.db.pool must be a number of sessions from 1 to 1024, got "{bad_value}"'
                      in bad.stderr, f"exit {bad.returncode}: {bad.stderr[-500:]}")

        cluster.start(3)
        ports = cluster.ports
        base = h.start_nginx(args.nginx, work, ports, processes)
        token = h.login(base, "admin", PASSWORD)
        discarded_before = sum(h.figure(h.metrics(f"http://127.0.0.1:{port}", token),
                                         "lims_db_pool_sessions_discarded_total", 'backend="postgresql"')
                               for port in ports)

        acknowledged = {}   # name -> (id, time acknowledged)
        outcomes = {}
        node_answers = {}   # the prober's answers from node 0 directly
        unavailable_without_retry_after = []
        slow = []
        lock = threading.Lock()
        stop = threading.Event()
        restart_window = [None, None]

        def note(table, what):
            with lock:
                table[what] = table.get(what, 0) + 1

        def call(url, method="GET", body=None, key=None, timeout=15):
            headers = {"Authorization": "Bearer " + token}
            if body is not None:
                headers["Content-Type"] = "application/json"
            if key:
                headers["Idempotency-Key"] = key
            request = urllib.request.Request(url, method=method, data=body, headers=headers)
            started = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=timeout) as reply:
                    return reply.status, reply.read(), dict(reply.headers)
            except urllib.error.HTTPError as e:
                return e.code, e.read(), dict(e.headers)
            except (urllib.error.URLError, OSError) as e:
                if time.monotonic() - started >= timeout - 0.5:
                    with lock:
                        slow.append(url)
                return type(e).__name__, b"", {}

        def writer(w):
            n = 0
            while not stop.is_set():
                n += 1
                name = f"Restart {w}-{n:05d}"
                body = json.dumps({"name": name, "kind": "pharmacy", "jurisdiction_org_id": 1,
                                   "region_code": "320508",
                                   "credit_code": credit_code("91", "320508", f"R{w}{n:06d}")}).encode()
                key = uuid.uuid4().hex
                for attempt in range(60):
                    status, payload, headers = call(base + "/api/v1/regulated-entities", "POST", body, key)
                    note(outcomes, status)
                    if status == 409:
                        note(outcomes, "409: " + json.loads(payload or b"{}").get("title", "?"))
                    if status == 503 and "Retry-After" not in headers:
                        with lock:
                            unavailable_without_retry_after.append(payload[:200])
                    if status == 201:
                        with lock:
                            acknowledged[name] = (json.loads(payload)["id"], time.monotonic())
                        break
                    if status in (502, 503, 504) or not isinstance(status, int) or (
                            status == 409 and b"still being processed" in payload):
                        time.sleep(0.25)
                        continue
                    break

        def reader():
            while not stop.is_set():
                with lock:
                    some = list(acknowledged.values())[-5:]
                for entity_id, _ in some:
                    status, _, headers = call(base + f"/api/v1/regulated-entities/{entity_id}")
                    note(outcomes, f"GET {status}")
                    if status == 503 and "Retry-After" not in headers:
                        with lock:
                            unavailable_without_retry_after.append(b"GET")
                time.sleep(0.05)

        def prober():
            # One node asked directly (nginx would move a failed request elsewhere).
            while not stop.is_set():
                status, _, headers = call(f"http://127.0.0.1:{ports[0]}/api/v1/regulated-entities",
                                          timeout=15)
                note(node_answers, status)
                if status == 503 and "Retry-After" not in headers:
                    with lock:
                        unavailable_without_retry_after.append(b"probe")
                time.sleep(0.05)

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
        threads += [threading.Thread(target=reader), threading.Thread(target=prober)]
        started = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(RESTART_AT)
        restart_window[0] = time.monotonic()
        pg.restart()
        restart_window[1] = time.monotonic()
        print(f"PostgreSQL restarted in {restart_window[1] - restart_window[0]:.1f} s", flush=True)
        time.sleep(max(0.0, LOAD_SECONDS - (time.monotonic() - started)))
        stop.set()
        for t in threads:
            t.join(timeout=120)
        print(f"outcomes through nginx: {outcomes}; node 0 directly: {node_answers}; {len(acknowledged)} "
              f"registrations acknowledged", flush=True)

        h.expect("no request was answered 500", 500 not in outcomes and "GET 500" not in outcomes
                  and 500 not in node_answers, f"{outcomes} {node_answers}")
        h.expect("no request hung past its timeout", not slow, f"{len(slow)}: {slow[:3]}")
        h.expect("no request was answered 401 (a token that cannot be checked is 503, the client keeps it)",
                  401 not in outcomes and "GET 401" not in outcomes and 401 not in node_answers,
                  f"{outcomes} {node_answers}")
        h.expect("the node answered 503 while PostgreSQL was away", node_answers.get(503, 0) > 0, str(node_answers))
        h.expect("every 503 carried Retry-After", not unavailable_without_retry_after,
                  str(unavailable_without_retry_after[:3]))
        after = [name for name, (_, at) in acknowledged.items() if at > restart_window[1]]
        h.expect("registrations were acknowledged again after the restart, by themselves", len(after) > 5,
                  f"{len(after)} after the restart")
        before = [name for name, (_, at) in acknowledged.items() if at < restart_window[0]]
        h.expect("registrations were acknowledged before the restart", len(before) > 5, str(len(before)))

        rows = h.psql(conninfo, "SELECT name, count(*) FROM regulated_entities WHERE name LIKE 'Restart %' "
                                 "GROUP BY name")
        counts = {}
        for line in rows.splitlines():
            name, _, n = line.rpartition("|")
            counts[name] = int(n)
        missing = [name for name in acknowledged if counts.get(name, 0) == 0]
        doubled = [name for name, n in counts.items() if n > 1]
        h.expect("every 201 registration is in the database", not missing, f"{len(missing)} missing: {missing[:5]}")
        h.expect("no registration is in the database twice", not doubled, f"{doubled[:5]}")

        pages = [h.metrics(f"http://127.0.0.1:{port}", token) for port in ports]
        discarded_after = sum(h.figure(page, "lims_db_pool_sessions_discarded_total", 'backend="postgresql"')
                              for page in pages)
        h.expect("the broken sessions were replaced (lims_db_pool_sessions_discarded_total grew)",
                  discarded_after > discarded_before, f"{discarded_before} -> {discarded_after}")
        # The jobs' advisory locks went with the old server; each job is held again by one node,
        # and so is the audit sealer ("audit.seal", an advisory lock too) where the nodes have one
        # (lims_audit_sealer_held on /metrics).
        deadline = time.monotonic() + 10
        while True:
            held = int(h.psql(conninfo, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")
                       .strip() or 0)
            sealers = h.sealer_nodes([h.metrics(f"http://127.0.0.1:{port}", token) for port in ports])
            has_sealer = sealers is not None
            expected = len(JOBS) + (1 if has_sealer else 0)
            if (held == expected and (not has_sealer or len(sealers) == 1)) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        h.expect(f"the {len(JOBS)} periodic jobs{' and the audit sealer' if has_sealer else ''} are held again after "
                 f"the restart, each once", held == expected, f"{held} advisory locks, {expected} expected")
        if has_sealer:
            h.expect("the audit sealer is held again by one node", len(sealers) == 1, f"held on {sealers}")
        h.audit_verify(lims, len(acknowledged))
        for i, port in enumerate(ports):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
                healthy = True
            except (urllib.error.URLError, OSError):
                healthy = False
            h.expect(f"node {i} is healthy after the restart", healthy)
    finally:
        processes.stop()
        pg.stop()
    if h.failures:
        sys.exit(f"FAIL: {len(h.failures)} check(s) failed: {h.failures}")
    print("cluster.pg_restart: all checks passed")


if __name__ == "__main__":
    main()
