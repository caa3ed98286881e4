#!/usr/bin/env bash
# Installs the Debian packages listed in scripts/system-packages.txt that are missing. Idempotent and quick
# when everything is present: dpkg-query is asked first, apt-get runs only for what is missing.
set -euo pipefail
list="$(dirname "$0")/system-packages.txt"
mapfile -t wanted < <(grep -v '^\s*#' "$list" | grep -v '^\s*$')
missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all ${#wanted[@]} present"
  exit 0
fi
echo "system packages: installing ${#missing[@]} missing: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "error: installing system packages needs root (run as root, or install them yourself: ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y --no-install-recommends "${missing[@]}"
