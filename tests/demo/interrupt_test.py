#!/usr/bin/env python3
"""scripts/run-demo as a person runs it, three times (ctest demo.interrupt):
 1. a fresh run stopped by Ctrl-C (SIGINT to the terminal's whole process group),
 2. a second fresh run (running twice works) stopped by SIGINT to run-demo alone,
 3. `--keep` on the second run's data (the samples are still there), stopped by SIGTERM;
after each, no process it started is left and its port is free.

    interrupt_test.py --root SOURCE_DIR --build BUILD_DIR --work DIR
"""
import argparse
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

READY_TIMEOUT = 240   # a sanitizer build on a loaded machine; the demo itself takes ~20 s
STOP_TIMEOUT = 30


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session_members(sid):
    """Processes of session sid (each run starts one, as a terminal would)."""
    found = []
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append((int(stat.parent.name), text[text.index("(") + 1:text.rindex(")")]))
    return found


def fail(message, log=None):
    print("FAIL: " + message)
    if log and log.exists():
        print("---- run-demo output ----\n" + log.read_text()[-4000:])
    sys.exit(1)


def run(args, name, port, extra, stop, check_data=False):
    log = pathlib.Path(args.work) / f"{name}.out"
    env = dict(os.environ, LIMS_DEMO_BUILD_DIR=args.build, LIMS_DEMO_PREBUILT="1", LIMS_DEMO_PORT=str(port),
               LIMS_DEMO_DATA=str(pathlib.Path(args.work) / "data"), LIMS_DEMO_PACE="0")
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(pathlib.Path(args.root) / "scripts" / "run-demo"), *extra], stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True)
    deadline = time.monotonic() + READY_TIMEOUT
    while "\nready: " not in log.read_text():
        if proc.poll() is not None:
            fail(f"{name}: run-demo exited ({proc.returncode}) before it was ready", log)
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            fail(f"{name}: not ready after {READY_TIMEOUT} s", log)
        time.sleep(0.5)
    members = session_members(proc.pid)
    names = sorted(n for _, n in members)
    for wanted in ("lims", "sim_sics_balanc", "sim_modbus_logg", "python3"):
        if not any(n.startswith(wanted) for n in names):
            fail(f"{name}: expected a {wanted} process among {names}", log)
    if check_data:
        base = f"http://127.0.0.1:{port}"
        login = urllib.request.Request(base + "/api/v1/auth/login", method="POST",
                                       data=json.dumps({"username": "viewer", "password": "demo-password-1"}).encode(),
                                       headers={"Content-Type": "application/json"})
        token = json.load(urllib.request.urlopen(login, timeout=10))["token"]
        samples = json.load(urllib.request.urlopen(urllib.request.Request(
            base + "/api/v1/samples", headers={"Authorization": "Bearer " + token}), timeout=10))["items"]
        if len(samples) != 6:
            fail(f"{name}: --keep should start on the last run's 6 samples, the API lists {len(samples)}", log)
    stop(proc)
    try:
        proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        fail(f"{name}: run-demo still running {STOP_TIMEOUT} s after the signal", log)
    deadline = time.monotonic() + 10
    while session_members(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = session_members(proc.pid)
    if left:
        for pid, _ in left:
            os.kill(pid, signal.SIGKILL)
        fail(f"{name}: processes left running after the signal: {left}", log)
    with socket.socket() as s:
        # SO_REUSEADDR: the demo's closed connections may sit in TIME_WAIT; a listener may not.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            s.listen()
        except OSError as e:
            fail(f"{name}: port {port} still in use after the demo stopped: {e}", log)
    print(f"ok: {name}: {len(members)} processes ({', '.join(names)}) all stopped")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--build", required=True)
    p.add_argument("--work", required=True)
    args = p.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    run(args, "ctrl-c", free_port(), [], lambda proc: os.killpg(proc.pid, signal.SIGINT))
    run(args, "second-run", free_port(), [], lambda proc: proc.send_signal(signal.SIGINT))
    run(args, "keep", free_port(), ["--keep"], lambda proc: proc.send_signal(signal.SIGTERM), check_data=True)
    print("PASS")


if __name__ == "__main__":
    main()
