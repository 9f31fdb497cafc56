#!/bin/sh
# Installs Debian's wrk, the load generator of `make bench-load`, where it is missing.
set -u
command -v wrk >/dev/null 2>&1 && exit 0
if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo="sudo -n"; }
  if [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; then
    echo "installing wrk for the load benchmark (apt-get)..."
    $sudo apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null 2>&1 && exit 0
  fi
fi
echo "wrk is not installed and could not be: install it (Debian/Ubuntu: apt-get install wrk)" >&2
exit 1
