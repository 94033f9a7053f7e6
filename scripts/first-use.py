#!/usr/bin/env python3
"""First use of new keys on a release `latchkey serve`: 100 keys created one
after another, then each used once, one at a time (first-use latency p50 /
p90 of GET /v3/me); then 50 keys created at once and used at once (peak and
final RSS, as issue 17's table row).

Usage: scripts/first-use.py target/release/latchkey
"""
import atexit
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

binary = sys.argv[1]
work = tempfile.mkdtemp(prefix="digest-first-")
server = subprocess.Popen(
    [binary, "serve", "--listen", "127.0.0.1:0", "--data", os.path.join(work, "l.redb")],
    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    env={k: v for k, v in os.environ.items() if k != "RUST_LOG"},
)
atexit.register(lambda: server.poll() is None and server.kill())
startup = ""
for line in server.stdout:
    startup += line
    if line.startswith("latchkey listening on "):
        url = line.split()[-1]
        break
admin_key = next(w for w in startup.split() if w.startswith("ak_"))
host, port = url.removeprefix("http://").split(":")
port = int(port)


def call(method, path, key, body=None):
    conn = http.client.HTTPConnection(host, port, timeout=600)
    headers = {"Authorization": f"Bearer {key}"}
    data = None
    if body is not None:
        data = json.dumps(body)
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=data, headers=headers)
    resp = conn.getresponse()
    payload = resp.read()
    conn.close()
    return resp.status, (json.loads(payload) if payload else None)


def status_of(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            m = re.match(r"(Vm\w+|Threads):\s+(\d+)", line)
            if m:
                fields[m.group(1)] = int(m.group(2))
    return fields


status, account = call("POST", "/v3/accounts", admin_key, {
    "name": "load", "plan": "custom",
    "limits": {"applications": 10, "access_keys_per_application": 1000,
               "jwt_keys_per_application": 2},
})
assert status == 201, (status, account)
tenant = account["key"]
assert call("GET", "/v3/me", tenant)[0] == 200
status, app = call("POST", "/v3/applications", tenant, {"name": "load"})
assert status == 201
app_id = app["id"]

# 1. First uses, one at a time.
keys = []
for i in range(100):
    status, created = call("POST", f"/v3/applications/{app_id}/access-keys", tenant, {"name": f"s{i}"})
    assert status == 201, (status, created)
    keys.append(created["key"])
first = []
for key in keys:
    started = time.monotonic()
    assert call("GET", "/v3/me", key)[0] == 200
    first.append((time.monotonic() - started) * 1000)
first.sort()

# 2. 50 keys created at once, then used at once.
time.sleep(0.5)
with open(f"/proc/{server.pid}/clear_refs", "w") as f:
    f.write("5")
before = status_of(server.pid)
made = [None] * 50
barrier = threading.Barrier(50)


def create(i):
    barrier.wait()
    made[i] = call("POST", f"/v3/applications/{app_id}/access-keys", tenant, {"name": f"c{i}"})


threads = [threading.Thread(target=create, args=(i,)) for i in range(50)]
[t.start() for t in threads]
[t.join() for t in threads]
assert all(s == 201 for s, _ in made), [s for s, _ in made]
uses = [None] * 50
barrier = threading.Barrier(50)


def use(i):
    barrier.wait()
    started = time.monotonic()
    status, _ = call("GET", "/v3/me", made[i][1]["key"])
    uses[i] = (status, (time.monotonic() - started) * 1000)


threads = [threading.Thread(target=use, args=(i,)) for i in range(50)]
[t.start() for t in threads]
[t.join() for t in threads]
assert all(s == 200 for s, _ in uses)
time.sleep(1)
after = status_of(server.pid)
burst = sorted(d for _, d in uses)
print(json.dumps({
    "binary": binary,
    "first_use_sequential_ms": {"p50": round(first[50], 2), "p90": round(first[90], 2), "max": round(first[-1], 2)},
    "burst_50_first_use_ms": {"p50": round(burst[25], 1), "max": round(burst[-1], 1)},
    "rss_before_burst_kib": before.get("VmRSS"),
    "hwm_during_50_created_and_used_at_once_kib": after.get("VmHWM"),
    "rss_1s_after_kib": after.get("VmRSS"),
    "loadavg": open("/proc/loadavg").read().split()[:3],
}, indent=2))
server.terminate()
server.wait()
