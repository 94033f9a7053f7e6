#!/usr/bin/env bash
# Instructions per request, measured with callgrind (independent of the
# machine's load): the floor's and the release server's /health, and /v3/me
# with an access key and with an EdDSA JWT. Counters are zeroed after
# start-up and a warm-up, so each figure is N requests' cost divided by N.
#   scripts/callgrind-requests.sh [N] [OUTDIR]
# Needs the release binaries (cargo build --release -p latchkey-server
# --features bench-floor --bins), valgrind, oha (target/bench-tools/bin),
# python3 with `cryptography`. BIN=<dir> measures binaries kept elsewhere
# (a copy of an earlier build, for a before/after on the same machine).
set -euo pipefail
N=${1:-20000}
OUT=${2:-/tmp/callgrind-requests}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$ROOT/target/release}
OHA=$ROOT/target/bench-tools/bin/oha
rm -rf "$OUT"; mkdir -p "$OUT"

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 600); do curl -sf -o /dev/null "$1/health" && return 0; sleep 0.5; done; echo "no answer from $1" >&2; return 1; }
load() { # name pid url [header]
  local name=$1 pid=$2 url=$3; shift 3
  "$OHA" --no-tui -n 300 -c 4 "$@" "$url" > /dev/null
  callgrind_control -z "$pid" > /dev/null
  "$OHA" --no-tui -n "$N" -c 4 "$@" "$url" > "$OUT/$name.oha"
  grep -q '\[200\] '"$N"' responses' "$OUT/$name.oha" || { echo "$name: not all 200:"; grep -A3 'Status code' "$OUT/$name.oha"; } >&2
  callgrind_control -d "$name" "$pid" > /dev/null
  sleep 1
  local file; file=$(ls -t "$OUT"/cg.out."$pid".* | head -1); mv "$file" "$OUT/$name.cg"
  local total; total=$(callgrind_annotate "$OUT/$name.cg" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",","",$1); print $1}')
  echo "$name $((total / N)) instructions/request"
}

P=$(port)
valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.out.%p" "$BIN/latchkey-bench-floor" --listen 127.0.0.1:$P > /dev/null 2> "$OUT/floor.valgrind" &
FLOOR=$!
wait_up http://127.0.0.1:$P
load floor $FLOOR http://127.0.0.1:$P/health
kill $FLOOR; wait $FLOOR 2>/dev/null || true

P=$(port); URL=http://127.0.0.1:$P
valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.out.%p" "$BIN/latchkey" serve --listen 127.0.0.1:$P --data "$OUT/data.redb" > "$OUT/server.out" 2> "$OUT/server.err" &
SERVER=$!
wait_up $URL
ADMIN=$(grep -o 'ak_[A-Za-z0-9_]*' "$OUT/server.out" | head -1)
AUTH="Authorization: Bearer $ADMIN"
APP=$(curl -sf -X POST -H "$AUTH" -H 'Content-Type: application/json' -d '{"name":"cg"}' $URL/v3/applications | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
KEY=$(curl -sf -X POST -H "$AUTH" -H 'Content-Type: application/json' -d '{"name":"cg"}' $URL/v3/applications/$APP/access-keys | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
AUD=$(curl -sf $URL/.well-known/latchkey | python3 -c 'import json,sys; print(json.load(sys.stdin)["jwt_audience"])')
TOKEN=$(APP=$APP AUD=$AUD URL=$URL AUTH=$AUTH python3 - <<'PY'
import base64, json, os, subprocess, time, uuid
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization
key = Ed25519PrivateKey.generate()
pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
body = json.dumps({"name": "cg-eddsa", "public_key": pem})
out = subprocess.run(["curl", "-sf", "-X", "POST", "-H", os.environ["AUTH"], "-H", "Content-Type: application/json",
                      "-d", body, f'{os.environ["URL"]}/v3/applications/{os.environ["APP"]}/jwt-keys'],
                     check=True, capture_output=True, text=True).stdout
kid = json.loads(out)["id"]
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
now = int(time.time())
header = b64(json.dumps({"alg": "EdDSA", "typ": "JWT", "kid": kid}, separators=(",", ":")).encode())
claims = b64(json.dumps({"iss": os.environ["APP"], "sub": os.environ["APP"], "aud": os.environ["AUD"],
                         "iat": now, "exp": now + 3600, "jti": str(uuid.uuid4())}, separators=(",", ":")).encode())
signing = f"{header}.{claims}".encode()
print(f"{header}.{claims}.{b64(key.sign(signing))}")
PY
)
load health $SERVER $URL/health
load me-access-key $SERVER $URL/v3/me -H "Authorization: Bearer $KEY"
load me-eddsa-jwt $SERVER $URL/v3/me -H "Authorization: Bearer $TOKEN"
kill $SERVER; wait $SERVER 2>/dev/null || true
echo "access lines logged: $(grep -c '"request"\|request' "$OUT/server.err" || true)"
