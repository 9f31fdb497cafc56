#!/bin/sh
# Usage: apt-install.sh PROGRAM WHAT PACKAGE...
# Installs Debian's PACKAGEs when PROGRAM (a command or a path) is missing and apt-get can be
# run (as root, or with sudo that needs no password). Exits 0 when PROGRAM is there afterwards.
set -u
program="$1"; what="$2"; shift 2
present() { [ -x "$program" ] || command -v "$program" >/dev/null 2>&1; }
present && exit 0
if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo="sudo -n"; }
  if [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; then
    echo "installing $* for $what (apt-get)..."
    $sudo apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null 2>&1
  fi
fi
present
