#!/usr/bin/env bash
# Installs the load generators used by `cargo xtask bench server` (separate
# processes, so the server is measured from outside):
# - wrk, from Debian's packages: closed loop, rps at saturation;
# - oha, from crates.io into <target>/bench-tools (pinned, default features:
#   1.16.0 does not build without its TLS feature): open loop at a fixed rate
#   with latency correction.
set -euo pipefail
if ! command -v wrk >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get install -y --no-install-recommends wrk \
    || { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends wrk; }
fi
OHA_VERSION=1.16.0
TOOLS="${CARGO_TARGET_DIR:-target}/bench-tools"
if ! "$TOOLS/bin/oha" --version 2>/dev/null | grep -qF "$OHA_VERSION"; then
  CARGO_TARGET_DIR="$TOOLS/build" cargo install --locked oha --version "$OHA_VERSION" \
    --root "$TOOLS"
fi
