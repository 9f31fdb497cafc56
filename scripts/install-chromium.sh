#!/bin/sh
# Installs Debian's chromium for the Playwright browser tests, where it is missing and can be had.
# Playwright's own browser download is not used: it cannot be fetched on every machine.
set -u
path="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$path" ] && exit 0
if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo="sudo -n"; }
  if [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; then
    echo "installing chromium for the browser tests (apt-get)..."
    $sudo apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-dejavu-core >/dev/null 2>&1 \
      && exit 0
  fi
fi
echo "chromium is not available at $path: the browser tests will be skipped" >&2
exit 0
