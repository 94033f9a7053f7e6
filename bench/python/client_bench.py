"""The Python client's request overhead against httpx, for ``GET /v3/me``
on the same server.

It starts the server binary (``--server`` or ``LATCHKEY_SERVER_BIN``; use a
release build: ``cargo build --release -p latchkey-server``) on a loopback
port with a temporary data file, then times, per variant, ``--requests``
calls after a warm-up:

* sequential, blocking: ``latchkey.Client.me()`` vs ``httpx.Client.get()``
  followed by ``.json()`` (our client also decodes and builds typed objects);
* sequential, asyncio: ``await AsyncClient.me()`` vs ``httpx.AsyncClient``;
* concurrent, asyncio: ``--concurrency`` requests in flight at once.

Both clients keep one connection pool and send the same access key.
Numbers mean something only on a quiet machine; run it twice.

    .venv/bin/python bench/python/client_bench.py --server target/release/latchkey
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from typing import Awaitable, Callable, Iterator, List, Tuple

import httpx

import latchkey


def start_server(binary: str, data_dir: str) -> Tuple[subprocess.Popen[bytes], str, str]:
    process = subprocess.Popen(
        [binary, "serve", "--listen", "127.0.0.1:0", "--data", os.path.join(data_dir, "b.redb")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "RUST_LOG": "error"},
    )
    assert process.stdout is not None
    key = url = ""
    for raw in process.stdout:
        line = raw.decode()
        for word in line.split():
            if word.startswith("ak_"):
                key = word
        if line.startswith("latchkey listening on "):
            url = line.split("latchkey listening on ", 1)[1].strip()
            break
    if not url:
        process.kill()
        raise SystemExit("the server did not start")
    threading.Thread(target=process.stdout.read, daemon=True).start()
    return process, url, key


def per_second(count: int, seconds: float) -> float:
    return count / seconds


def time_blocking(call: Callable[[], object], requests: int, rounds: int) -> List[float]:
    for _ in range(min(200, requests)):
        call()
    results = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(requests):
            call()
        results.append(per_second(requests, time.perf_counter() - started))
    return results


async def time_async(
    call: Callable[[], Awaitable[object]], requests: int, rounds: int, concurrency: int
) -> List[float]:
    async def worker(share: int) -> None:
        for _ in range(share):
            await call()

    async def batch(total: int) -> None:
        shares = [total // concurrency] * concurrency
        shares[0] += total - sum(shares)
        await asyncio.gather(*(worker(share) for share in shares))

    await batch(min(200, requests))
    results = []
    for _ in range(rounds):
        started = time.perf_counter()
        await batch(requests)
        results.append(per_second(requests, time.perf_counter() - started))
    return results


def report(name: str, ours: List[float], theirs: List[float]) -> Iterator[str]:
    mine, base = statistics.median(ours), statistics.median(theirs)
    yield (
        f"{name:<28} latchkey {mine:8.0f} req/s ({1e6 / mine:6.0f} µs)   "
        f"httpx {base:8.0f} req/s ({1e6 / base:6.0f} µs)   ratio {mine / base:4.2f}x"
    )


async def async_variants(url: str, key: str, args: argparse.Namespace) -> List[str]:
    lines: List[str] = []
    headers = {"Authorization": f"Bearer {key}"}
    async with latchkey.AsyncClient(url, access_key=key) as ours, httpx.AsyncClient(
        base_url=url,
        headers=headers,
        # As many kept-alive connections as requests in flight, as ours keeps.
        limits=httpx.Limits(
            max_connections=args.concurrency, max_keepalive_connections=args.concurrency
        ),
    ) as theirs:

        async def httpx_me() -> object:
            response = await theirs.get("/v3/me")
            response.raise_for_status()
            return response.json()

        for concurrency in (1, args.concurrency):
            mine = await time_async(ours.me, args.requests, args.rounds, concurrency)
            base = await time_async(httpx_me, args.requests, args.rounds, concurrency)
            label = "async, sequential" if concurrency == 1 else f"async, {concurrency} in flight"
            lines.extend(report(label, mine, base))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=os.environ.get("LATCHKEY_SERVER_BIN"))
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    if not args.server:
        raise SystemExit("pass --server PATH or set LATCHKEY_SERVER_BIN")
    with tempfile.TemporaryDirectory() as data_dir:
        process, url, key = start_server(args.server, data_dir)
        try:
            lines: List[str] = []
            with latchkey.Client(url, access_key=key) as ours, httpx.Client(
                base_url=url, headers={"Authorization": f"Bearer {key}"}
            ) as theirs:

                def httpx_me() -> object:
                    response = theirs.get("/v3/me")
                    response.raise_for_status()
                    return response.json()

                mine = time_blocking(ours.me, args.requests, args.rounds)
                base = time_blocking(httpx_me, args.requests, args.rounds)
                lines.extend(report("blocking, sequential", mine, base))
            lines.extend(asyncio.run(async_variants(url, key, args)))
        finally:
            process.terminate()
            process.wait()
    print(
        f"GET /v3/me, {args.requests} requests x {args.rounds} rounds (median), "
        f"Python {sys.version.split()[0]}, latchkey {latchkey.__version__}, httpx {httpx.__version__}"
    )
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
