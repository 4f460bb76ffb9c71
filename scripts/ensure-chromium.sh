#!/usr/bin/env sh
# The gallery's browser test (web/e2e) drives Debian's Chromium (no browser download is possible here).
# Installs it when missing on a Debian machine where we are root; otherwise says what to do.
set -eu
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is missing: installing Debian's chromium for the browser test"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "The browser test needs /usr/bin/chromium: run 'sudo apt-get install chromium' first." >&2
exit 1
