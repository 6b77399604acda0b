#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks, on loopback, in a folder of its own.
#   postgres-cluster.sh start DIR PORT [durable]   initdb (first time) and start; prints the admin URL
#   postgres-cluster.sh stop DIR | restart DIR     fast shutdown / restart
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user. Tests get trust
# authentication on 127.0.0.1 only; without `durable`, fsync is off (test data, not kept).
set -euo pipefail

bin=""
for candidate in /usr/lib/postgresql/*/bin; do [ -x "$candidate/pg_ctl" ] && bin="$candidate"; done
if [ -z "$bin" ]; then
  if command -v pg_ctl >/dev/null; then bin="$(dirname "$(command -v pg_ctl)")"; else echo "no PostgreSQL server found (apt-get install postgresql)" >&2; exit 3; fi
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

command="${1:?start|stop|restart}"
dir="${2:?cluster folder}"
case "$command" in
  start)
    port="${3:?port}"
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    chmod 700 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    options="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300"
    if [ "${4:-}" != durable ]; then options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"; fi
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$options" -w -t 60 start >/dev/null ||
      { tail -20 "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop) as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null ;;
  restart) as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 restart >/dev/null ;;
  *) echo "unknown command $command" >&2; exit 2 ;;
esac
