#!/usr/bin/env bash
# Installs the load generator used by `cargo xtask bench server`: wrk, from
# Debian's packages (a separate process, so the server is measured from outside).
set -euo pipefail
if command -v wrk >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get install -y --no-install-recommends wrk \
  || { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends wrk; }
