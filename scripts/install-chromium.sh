#!/bin/sh
# Installs Debian's chromium for the Playwright browser tests, where it is missing and can be had.
# Playwright's own browser download is not used: it cannot be fetched on every machine.
path="${CHROMIUM_PATH:-/usr/bin/chromium}"
sh "$(dirname "$0")/apt-install.sh" "$path" "the browser tests" chromium fonts-dejavu-core \
  || echo "chromium is not available at $path: the browser tests will be skipped" >&2
exit 0
