#!/usr/bin/env python3
"""latchkey.jwt vs PyJWT: encode and decode, ops/s per algorithm.

Run with the release wheel installed (``cargo xtask bench python-jwt`` builds
it with ``maturin build --release``, installs it into ``.venv`` and runs
this script); by hand::

    .venv/bin/maturin build --release --manifest-path bindings/python/Cargo.toml \
        --out target/wheels-release --interpreter .venv/bin/python
    .venv/bin/pip install --force-reinstall --no-deps target/wheels-release/latchkey-*.whl
    .venv/bin/python bench/python/jwt_bench.py [--seconds 0.4] [--rounds 5] [--threads 2]

PyJWT gets its fastest path: `cryptography` key objects loaded once.
latchkey gets what PyJWT code passes today, the PEM text (latchkey parses
it once and caches the parsed key). Both verify the same token with the
same checks (signature, exp, iat, aud). The two libraries are measured in
alternating rounds and each one's best round is kept, so a neighbour's
load on a shared machine hits both alike; the ratio is what to read.

``--threads N`` runs N threads that share the work and reports total
ops/s: it shows whether the GIL is released during the crypto.
"""

from __future__ import annotations

import argparse
import threading
import time
from typing import Any, Callable

import jwt as pyjwt
from cryptography.hazmat.primitives import serialization

import latchkey
from latchkey import jwt

ALGORITHMS = ["EdDSA", "ES256", "ES384", "RS256", "PS256"]
AUDIENCE = "https://latchkey.example"


def rate(operation: Callable[[], Any], seconds: float, threads: int) -> float:
    """Operations per second of `operation` over about `seconds`, run by
    `threads` threads at once."""
    counts = [0] * threads
    deadline = time.perf_counter() + seconds

    def loop(slot: int) -> None:
        done = 0
        while True:
            for _ in range(20):
                operation()
            done += 20
            if time.perf_counter() >= deadline:
                break
        counts[slot] = done

    start = time.perf_counter()
    if threads == 1:
        loop(0)
    else:
        workers = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    return sum(counts) / (time.perf_counter() - start)


def best_of(ours: Callable[[], Any], theirs: Callable[[], Any], args: argparse.Namespace) -> tuple[float, float]:
    """The best round of each, measured in alternation."""
    ours(), theirs()  # warm caches (latchkey's parsed-key cache, PyJWT's imports)
    best_ours = best_theirs = 0.0
    for _ in range(args.rounds):
        best_ours = max(best_ours, rate(ours, args.seconds, args.threads))
        best_theirs = max(best_theirs, rate(theirs, args.seconds, args.threads))
    return best_ours, best_theirs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=0.4, help="length of one round (s)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per library and operation")
    parser.add_argument("--threads", type=int, default=1, help="threads sharing the work")
    parser.add_argument("--algorithms", nargs="+", default=ALGORITHMS, choices=ALGORITHMS)
    args = parser.parse_args()

    print(f"latchkey {latchkey.__version__} vs PyJWT {pyjwt.__version__}; "
          f"{args.rounds} rounds of {args.seconds}s, {args.threads} thread(s); best round each")
    print(f"{'algorithm':<9} {'operation':<9} {'latchkey/s':>11} {'PyJWT/s':>10} {'ratio':>6}")
    for algorithm in args.algorithms:
        pair = jwt.generate_key_pair(algorithm)
        private_key = serialization.load_pem_private_key(pair.private_pem.encode(), password=None)
        public_key = serialization.load_pem_public_key(pair.public_pem.encode())
        now = int(time.time())
        claims = {"iss": "app_01", "sub": "app_01", "aud": AUDIENCE, "iat": now, "exp": now + 3600, "jti": "bench"}
        token = jwt.encode(claims, pair.private_pem, algorithm=algorithm, headers={"kid": "key_01"})
        # Both decode the same token to the same claims before timing.
        assert pyjwt.decode(token, public_key, algorithms=[algorithm], audience=AUDIENCE) == claims
        assert jwt.decode(token, pair.public_pem, algorithms=[algorithm], audience=AUDIENCE) == claims

        private_pem, public_pem = pair.private_pem, pair.public_pem
        results = {
            "decode": best_of(
                lambda: jwt.decode(token, public_pem, algorithms=[algorithm], audience=AUDIENCE),
                lambda: pyjwt.decode(token, public_key, algorithms=[algorithm], audience=AUDIENCE),
                args,
            ),
            "encode": best_of(
                lambda: jwt.encode(claims, private_pem, algorithm=algorithm, headers={"kid": "key_01"}),
                lambda: pyjwt.encode(claims, private_key, algorithm=algorithm, headers={"kid": "key_01"}),
                args,
            ),
        }
        for operation, (ours, theirs) in results.items():
            print(f"{algorithm:<9} {operation:<9} {ours:>11,.0f} {theirs:>10,.0f} {ours / theirs:>5.2f}x", flush=True)


if __name__ == "__main__":
    main()
