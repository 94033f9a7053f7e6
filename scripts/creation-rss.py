#!/usr/bin/env python3
"""Peak RSS of a release `latchkey serve` under N concurrent key creations.

Usage: scripts/creation-rss.py target/release/latchkey [N]

Starts the server on a fresh redb file, creates a tenant account on the
`custom` plan with room for N keys in one application, resets the process's
peak RSS (clear_refs 5), releases N threads at once, each POSTing one key,
and reads VmHWM / VmRSS from /proc. A watchdog stops the server if the
machine's MemAvailable falls under 3 GiB (shared box).
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
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
work = tempfile.mkdtemp(prefix="digest-rss-")
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


def mem_available_kib():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1])


status, account = call("POST", "/v3/accounts", admin_key, {
    "name": "load",
    "plan": "custom",
    "limits": {"applications": 10, "access_keys_per_application": n + 10,
               "jwt_keys_per_application": 2},
})
assert status == 201, (status, account)
tenant_key = account["key"]
status, app = call("POST", "/v3/applications", tenant_key, {"name": "load"})
assert status == 201, (status, app)
app_id = app["id"]
# Warm the tenant key (its first use) so that the load measures creations.
assert call("GET", "/v3/me", tenant_key)[0] == 200

time.sleep(0.5)
before = status_of(server.pid)
with open(f"/proc/{server.pid}/clear_refs", "w") as f:
    f.write("5")  # resets VmHWM to the current RSS
reset = status_of(server.pid)

stop = threading.Event()
lowest = [mem_available_kib()]
peak_threads = [reset.get("Threads", 0)]
killed = [False]


def watchdog():
    while not stop.is_set():
        available = mem_available_kib()
        lowest[0] = min(lowest[0], available)
        try:
            peak_threads[0] = max(peak_threads[0], status_of(server.pid).get("Threads", 0))
        except FileNotFoundError:
            return
        if available < 3 * 1024 * 1024:
            killed[0] = True
            server.kill()
            return
        time.sleep(0.05)


threading.Thread(target=watchdog, daemon=True).start()
barrier = threading.Barrier(n)
results = [None] * n


def create(i):
    barrier.wait()
    started = time.monotonic()
    try:
        status, _ = call("POST", f"/v3/applications/{app_id}/access-keys", tenant_key,
                         {"name": f"k{i}"})
    except Exception as error:  # noqa: BLE001 - reported below
        status = repr(error)
    results[i] = (status, time.monotonic() - started)


threading.stack_size(256 * 1024)
threads = [threading.Thread(target=create, args=(i,)) for i in range(n)]
load_started = time.monotonic()
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.monotonic() - load_started
stop.set()
after = status_of(server.pid) if not killed[0] else {}
statuses = {}
for status, _ in results:
    statuses[status] = statuses.get(status, 0) + 1
latencies = sorted(d for _, d in results)
print(json.dumps({
    "binary": binary,
    "concurrent_creations": n,
    "statuses": {str(k): v for k, v in statuses.items()},
    "wall_seconds": round(elapsed, 2),
    "latency_p50_ms": round(latencies[n // 2] * 1000, 1),
    "latency_max_ms": round(latencies[-1] * 1000, 1),
    "rss_before_kib": before.get("VmRSS"),
    "hwm_since_start_before_load_kib": before.get("VmHWM"),
    "hwm_under_load_kib": after.get("VmHWM"),
    "rss_after_kib": after.get("VmRSS"),
    "server_threads_peak": peak_threads[0],
    "killed_by_watchdog": killed[0],
    "lowest_mem_available_kib": lowest[0],
    "loadavg": open("/proc/loadavg").read().split()[:3],
}, indent=2))
server.terminate()
server.wait()
