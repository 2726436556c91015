#!/usr/bin/env bash
# The throughput benchmarks drive load with wrk (C, one thread), so the load generator costs less CPU
# than the servers it measures. Installs Debian's `wrk` when missing and we are root.
set -euo pipefail
command -v wrk >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "npm run bench needs wrk: sudo apt-get update && sudo apt-get install -y wrk" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null
