#!/usr/bin/env python3
"""`lims backup` while `lims serve` writes, and `lims restore` (ctest demo.backup_restore).

A writer thread registers regulated entities through the API (each one audited) while
`lims backup --to` runs three times. Each copy must be verified by the command itself and,
independently, by `lims audit verify` on the copy; it must hold every entity acknowledged
before its backup started and none that was not acknowledged by the time it ended (one
consistent commit: exactly the first N entities written, no gap). `lims restore` is refused while the service has the database open, then
after the service stops it replaces the database with a copy, keeping the old one beside it.

    backup_test.py --lims PATH --root SOURCE_DIR --work DIR
"""
import argparse
import json
import os
import pathlib
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "demo"))
from demo import credit_code  # noqa: E402  (the demo's GB 32100 code, computed)

PASSWORD = "backup-test-password"
failures = []


def expect(what, condition, detail=""):
    print(("ok: " if condition else "FAIL: ") + what + ("" if condition else f": {detail}"), flush=True)
    if not condition:
        failures.append(what)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lims", required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--work", required=True)
    args = p.parse_args()
    work = pathlib.Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    db = work / "lims.db"
    env = dict(os.environ, LIMS_DATABASE=f"sqlite:{db}")

    def lims(*argv, stdin=None, database=None):
        e = dict(env, LIMS_DATABASE=f"sqlite:{database}") if database else env
        return subprocess.run([args.lims, *argv], input=stdin, capture_output=True, text=True, env=e, timeout=120)

    for step in (lims("migrate"),
                 lims("org", "add", "--code", "PROV", "--kind", "bureau", "--region", "320000", "--name", "Province"),
                 lims("user", "add", "admin", "--org", "PROV", "--role", "administrator", "--name", "Admin",
                      stdin=PASSWORD + "\n")):
        if step.returncode != 0:
            sys.exit(f"FAIL: set-up: {step.args}: {step.stderr}")

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    serve_log = open(work / "serve.log", "wb")
    serve = subprocess.Popen([args.lims, "serve", "--port", str(port), "--calendar-dir",
                              str(pathlib.Path(args.root) / "fixtures" / "calendars")],
                             stdout=serve_log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline or serve.poll() is not None:
                    sys.exit("FAIL: lims serve did not come up; see " + str(work / "serve.log"))
                time.sleep(0.2)
        login = urllib.request.Request(base + "/api/v1/auth/login", method="POST",
                                       data=json.dumps({"username": "admin", "password": PASSWORD}).encode(),
                                       headers={"Content-Type": "application/json"})
        token = json.load(urllib.request.urlopen(login, timeout=10))["token"]
        org_id = 1

        acknowledged = []          # entity names the API answered 201 for, in order
        stop = threading.Event()

        def writer():
            n = 0
            while not stop.is_set():
                n += 1
                name = f"Pharmacy {n:05d}"
                body = {"name": name, "kind": "pharmacy", "jurisdiction_org_id": org_id, "region_code": "320508",
                        "credit_code": credit_code("91", "320508", f"MA{n:06d}")}
                request = urllib.request.Request(base + "/api/v1/regulated-entities", method="POST",
                                                 data=json.dumps(body).encode(),
                                                 headers={"Content-Type": "application/json",
                                                          "Authorization": "Bearer " + token})
                try:
                    with urllib.request.urlopen(request, timeout=30) as reply:
                        if reply.status == 201:
                            acknowledged.append(name)
                except urllib.error.HTTPError as e:
                    failures.append(f"writer: HTTP {e.code} {e.read()[:200]}")
                    return

        thread = threading.Thread(target=writer)
        thread.start()
        copies = []
        for k in range(3):
            time.sleep(0.5)
            before = len(acknowledged)
            copy = work / f"copy-{k}.db"
            done = lims("backup", "--to", str(copy))
            after = len(acknowledged)
            expect(f"backup {k} during writes exits 0 and says the copy verified",
                   done.returncode == 0 and "audit chain intact" in done.stdout, done.stderr + done.stdout)
            verify = lims("audit", "verify", database=copy)
            expect(f"lims audit verify on copy {k}", verify.returncode == 0 and "intact" in verify.stdout, verify.stderr)
            with sqlite3.connect(f"file:{copy}?mode=ro", uri=True) as c:
                names = {r[0] for r in c.execute("SELECT name FROM regulated_entities")}
                integrity = c.execute("PRAGMA integrity_check").fetchone()[0]
            expect(f"copy {k} integrity", integrity == "ok", integrity)
            expect(f"copy {k} holds every entity acknowledged before the backup ({before})",
                   set(acknowledged[:before]) <= names, sorted(set(acknowledged[:before]) - names)[:5])
            # One writer, one entity at a time: a consistent copy holds exactly the first N
            # entities written, N at least those acknowledged before it started and at most
            # those acknowledged when it ended plus the one whose answer was on its way.
            expect(f"copy {k} is one commit's state: the first {len(names)} entities written, no gap",
                   names == set(acknowledged[:len(names)]) and before <= len(names) <= after + 1,
                   f"{len(names)} entities, acknowledged {before} before and {after} after")
            copies.append((copy, len(names)))
        stop.set()
        thread.join()
        expect("the writer wrote while the backups ran", len(acknowledged) > copies[0][1], len(acknowledged))

        existing = lims("backup", "--to", str(copies[0][0]))
        expect("backup refuses to overwrite a file", existing.returncode == 2 and "never overwrites" in existing.stderr,
               existing.stderr)
        busy = lims("restore", "--from", str(copies[0][0]))
        expect("restore refused while lims serve has the database open",
               busy.returncode == 3 and "in use" in busy.stderr, busy.stderr)
    finally:
        serve.terminate()
        serve.wait(timeout=30)
        serve_log.close()

    total = len(acknowledged)
    restored = lims("restore", "--from", str(copies[0][0]))
    expect("restore after the service stopped", restored.returncode == 0 and "restore done" in restored.stdout,
           restored.stderr + restored.stdout)
    kept = list(work.glob("lims.db.before-restore-*"))
    expect("the replaced database is kept beside it", len(kept) == 1, kept)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        expect("the restored database holds the copy's entities",
               c.execute("SELECT count(*) FROM regulated_entities").fetchone()[0] == copies[0][1])
    if kept:
        with sqlite3.connect(f"file:{kept[0]}?mode=ro", uri=True) as c:
            expect("the kept database holds every acknowledged entity",
                   c.execute("SELECT count(*) FROM regulated_entities").fetchone()[0] == total)
    verify = lims("audit", "verify")
    expect("lims audit verify on the restored database", verify.returncode == 0, verify.stderr)
    no_target = lims("backup")
    expect("backup without --to is refused naming it", no_target.returncode == 2 and "--to FILE" in no_target.stderr,
           no_target.stderr)
    notes = work / "notes.txt"
    notes.write_text("not a database at all\n")
    before = db.read_bytes()
    not_lims = lims("restore", "--from", str(notes))
    expect("restore from a file that is not a LIMS backup changes nothing",
           not_lims.returncode == 3 and "nothing restored" in not_lims.stderr and db.read_bytes() == before,
           not_lims.stderr)
    leftovers = sorted(p.name for p in work.iterdir() if ".restoring" in p.name or p.name.endswith(".partial"))
    expect("no staging or partial file left behind", not leftovers, leftovers)
    pg = subprocess.run(
        [args.lims, "backup", "--to", str(work / "pg.db")], capture_output=True, text=True,
        env=dict(env, LIMS_DATABASE="postgresql:host=127.0.0.1 dbname=none"))
    expect("backup of PostgreSQL points to pg_dump", pg.returncode == 2 and "pg_dump" in pg.stderr, pg.stderr)
    if failures:
        sys.exit(f"FAIL: {len(failures)} problem(s): {failures}")
    print("PASS")


if __name__ == "__main__":
    main()
