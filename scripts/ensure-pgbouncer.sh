#!/usr/bin/env sh
# The tests that check the app through a connection pooler in transaction mode (as production runs
# behind Azure's built-in PgBouncer) start Debian's pgbouncer on a free port of their own.
# Installs it when missing on a Debian machine where we are root; otherwise says what to do.
set -eu
command -v pgbouncer >/dev/null 2>&1 && exit 0
[ -x /usr/sbin/pgbouncer ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "PgBouncer is missing: installing Debian's pgbouncer for the pooling tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null
  exit 0
fi
echo "The pooling tests need pgbouncer: run 'sudo apt-get install pgbouncer' first." >&2
exit 1
