#!/usr/bin/env bash
# The end-to-end tests scrape kongtel with a real Prometheus server and check its output with promtool.
# Installs Debian's `prometheus` package when it is missing and we are root; otherwise says what to run.
set -euo pipefail
if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need Prometheus (prometheus and promtool). Install it with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y prometheus" >&2
  exit 1
fi
echo "Installing Prometheus (Debian package 'prometheus') for the end-to-end tests..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends prometheus >/dev/null
# The package may try to start a system service; the tests run their own server on a free port.
command -v prometheus >/dev/null && command -v promtool >/dev/null
