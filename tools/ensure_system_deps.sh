#!/usr/bin/env bash
# Install the Debian packages the tests need (real Redis, a browser, strace),
# only when they are missing. Safe to run again: it does nothing then.
set -euo pipefail

need=()
command -v redis-server >/dev/null || need+=(redis-server)
{ command -v redis-cli && command -v redis-benchmark; } >/dev/null \
    || need+=(redis-tools)
command -v chromium >/dev/null || need+=(chromium)
command -v strace >/dev/null || need+=(strace)  # the AOF's fsync tests watch with it
[ ${#need[@]} -eq 0 ] && exit 0

echo "==> Installing Debian packages: ${need[*]} (first run only)"
if ! command -v apt-get >/dev/null; then
    echo "apt-get not found: please install ${need[*]} yourself." >&2
    exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
echo "==> Installed: $(redis-server --version | cut -d' ' -f1-3)"
