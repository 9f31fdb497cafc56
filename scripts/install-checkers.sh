#!/bin/sh
# Installs the checkers the browser tests run on every page they visit: the Nu HTML checker
# (vnu.jar, from the npm package vnu-jar, run with Debian's Java) and axe-core (axe.min.js).
# Versions are pinned in tests/browser/package.json and package-lock.json; the files land in
# tests/browser/node_modules (git-ignored). vnu-jar's postinstall script, which would download
# a Java runtime, is not run. Quick when all is in place; never fails the build: the browser
# tests report a missing checker (a skip, or a failure with FAIRPLANNER_REQUIRE_BROWSER=1).
here="$(dirname "$0")"
dir="$here/../tests/browser"
stamp="$dir/node_modules/.fairplanner-installed"
sh "$here/apt-install.sh" java "the HTML checker" default-jre-headless \
  || echo "java is missing: the Nu HTML checker cannot run (apt-get install default-jre-headless)" >&2
if [ -f "$stamp" ] && [ "$stamp" -nt "$dir/package-lock.json" ] && [ "$stamp" -nt "$dir/package.json" ]; then
  exit 0
fi
sh "$here/apt-install.sh" npm "the page checkers" npm \
  || { echo "npm is missing: vnu.jar and axe-core cannot be installed (apt-get install npm)" >&2; exit 0; }
echo "installing vnu-jar and axe-core for the browser tests (npm ci)..."
if npm ci --prefix "$dir" --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null; then
  touch "$stamp"
else
  echo "npm ci failed: the browser tests' checkers are missing" >&2
fi
exit 0
