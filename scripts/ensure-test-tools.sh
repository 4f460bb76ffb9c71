#!/usr/bin/env sh
# What `npm test` needs from Debian besides PostgreSQL: Chromium, which the gallery's browser test
# (web/e2e) drives (no browser download is possible here), and PgBouncer, which the pooling tests run in
# transaction mode as production does. Installs what is missing on a Debian machine where we are root;
# otherwise says what to do.
set -eu
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || missing="$missing pgbouncer"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's$missing for the tests"
  apt-get update -qq
  # shellcheck disable=SC2086 # one word per package
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  exit 0
fi
echo "The tests need$missing: run 'sudo apt-get install$missing' first." >&2
exit 1
