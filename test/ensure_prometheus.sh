#!/usr/bin/env bash
# The end-to-end tests scrape kongtel with a real Prometheus server and check its output with promtool.
# dns_sd_configs is tested against a real DNS server, Debian's dnsmasq, run by the tests on loopback;
# scraping through one balanced address and the scale-out test use a real load balancer, Debian's haproxy;
# the status page is checked in Debian's chromium, headless.
# Installs the Debian packages `prometheus`, `dnsmasq`, `haproxy` and `chromium` when missing and we are root; otherwise says what to run.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
missing=()
if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then missing+=(prometheus); fi
if ! command -v dnsmasq >/dev/null 2>&1; then missing+=(dnsmasq); fi
if ! command -v haproxy >/dev/null 2>&1; then missing+=(haproxy); fi
if ! command -v chromium >/dev/null 2>&1; then missing+=(chromium); fi
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need ${missing[*]}. Install with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing ${missing[*]} (Debian packages) for the end-to-end tests..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The packages may try to start system services; the tests run their own servers on free ports.
command -v prometheus >/dev/null && command -v promtool >/dev/null && command -v dnsmasq >/dev/null && command -v haproxy >/dev/null && command -v chromium >/dev/null
