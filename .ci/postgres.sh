# Starts a throwaway local PostgreSQL cluster for the tests and exports its connection string.
#
#   source .ci/postgres.sh        # from the repository root; .ci/run does this
#   dotnet test Ballast.slnx      # the PostgreSQL journal tests now run instead of skipping
#   ballast_pg_stop               # or just leave the shell: an EXIT trap stops the server and removes its files
#
# What it does: finds the PostgreSQL server binaries (BALLAST_PG_BIN, else the newest /usr/lib/postgresql/*/bin,
# else pg_config --bindir; as root with apt-get and none found, installs Debian's postgresql package), creates a
# temporary directory, runs initdb there as a non-root user (initdb and postgres refuse root: as root it uses the
# system user 'ballastpg', created if absent), starts the server on a free port on 127.0.0.1 with its socket in that
# directory, creates the database ballast_test and exports
#   BALLAST_TEST_POSTGRES=Host=127.0.0.1;Port=PORT;Username=ballast;Database=ballast_test
# If BALLAST_TEST_POSTGRES is already set, it starts nothing and uses that server. If anything fails it says why and
# returns non-zero without exporting the variable, so the PostgreSQL tests report themselves as skipped.
# The cluster is for tests only: fsync is off (a crash of the machine loses it; nothing else depends on it).

ballast_pg_log() { echo "postgres.sh: $*" >&2; }

ballast_pg_find_bin() {
  if [ -n "${BALLAST_PG_BIN:-}" ] && [ -x "${BALLAST_PG_BIN}/initdb" ]; then echo "${BALLAST_PG_BIN}"; return 0; fi
  local candidate
  candidate=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1) || true
  if [ -n "$candidate" ] && [ -x "$candidate/initdb" ]; then echo "$candidate"; return 0; fi
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return 0; fi
  return 1
}

ballast_pg_free_port() {
  local port tries=0
  while [ $tries -lt 50 ]; do
    port=$(( 20000 + (RANDOM % 20000) ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
    tries=$((tries + 1))
  done
  return 1
}

ballast_pg_stop() {
  if [ -n "${BALLAST_PG_DIR:-}" ] && [ -d "${BALLAST_PG_DIR}" ]; then
    if [ -f "${BALLAST_PG_DIR}/data/postmaster.pid" ]; then
      ${BALLAST_PG_RUN:-} "${BALLAST_PG_BINDIR}/pg_ctl" -D "${BALLAST_PG_DIR}/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "${BALLAST_PG_DIR}"
    ballast_pg_log "stopped the test cluster and removed ${BALLAST_PG_DIR}"
  fi
  unset BALLAST_PG_DIR BALLAST_TEST_POSTGRES
}

ballast_pg_start() {
  if [ -n "${BALLAST_TEST_POSTGRES:-}" ]; then
    ballast_pg_log "BALLAST_TEST_POSTGRES is already set; using that server"
    return 0
  fi

  local bin
  if ! bin=$(ballast_pg_find_bin); then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      ballast_pg_log "no PostgreSQL server binaries found; installing Debian's postgresql package"
      (apt-get install -y --no-install-recommends postgresql >/dev/null 2>&1 \
        || { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends postgresql >/dev/null 2>&1; }) || true
    fi
    if ! bin=$(ballast_pg_find_bin); then
      ballast_pg_log "no PostgreSQL server binaries (initdb) found; PostgreSQL tests will be skipped"
      return 1
    fi
  fi

  local run="" user=""
  if [ "$(id -u)" = 0 ]; then
    user=ballastpg
    if ! id "$user" >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin "$user" >/dev/null 2>&1 || user=nobody
    fi
    run="runuser -u $user --"
  fi

  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/ballast-pg.XXXXXX") || { ballast_pg_log "cannot create a temporary directory"; return 1; }
  chmod 700 "$dir"
  if [ -n "$user" ]; then chown "$user" "$dir"; fi
  BALLAST_PG_DIR=$dir
  BALLAST_PG_BINDIR=$bin
  BALLAST_PG_RUN=$run
  trap ballast_pg_stop EXIT

  if ! (cd "$dir" && $run "$bin/initdb" -D "$dir/data" -U ballast --auth=trust -E UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1); then
    ballast_pg_log "initdb failed:"; cat "$dir/initdb.log" >&2
    ballast_pg_stop; return 1
  fi

  local port attempt started=""
  for attempt in 1 2 3 4 5; do
    port=$(ballast_pg_free_port) || break
    if (cd "$dir" && $run "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
          -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
          start >/dev/null 2>&1); then
      started=yes; break
    fi
  done
  if [ -z "$started" ]; then
    ballast_pg_log "the server did not start:"; tail -n 20 "$dir/server.log" >&2 2>/dev/null
    ballast_pg_stop; return 1
  fi

  if ! "$bin/createdb" -h 127.0.0.1 -p "$port" -U ballast ballast_test >/dev/null 2>"$dir/createdb.log"; then
    ballast_pg_log "createdb failed:"; cat "$dir/createdb.log" >&2
    ballast_pg_stop; return 1
  fi

  export BALLAST_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=ballast;Database=ballast_test"
  ballast_pg_log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') running on 127.0.0.1:$port (data in $dir); BALLAST_TEST_POSTGRES exported"
}

ballast_pg_start || true
