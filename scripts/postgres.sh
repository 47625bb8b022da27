# Sourced by ./test.sh and bench/scale-out.sh: installs Debian's PostgreSQL when missing, starts its cluster, and
# gives the project a role that may create databases. Afterwards POSTGRES_ADMIN holds a connection string for it
# (database "postgres"). COVERAGE_TEST_POSTGRES, when set, names another server instead, and nothing is installed.

as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sudo -n -u postgres sh -c "$1"; fi
}

apt_install() {
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    sudo -n apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  fi
}

ensure_postgres() {
  if [ -n "${COVERAGE_TEST_POSTGRES:-}" ]; then POSTGRES_ADMIN=$COVERAGE_TEST_POSTGRES; return; fi
  if ! command -v pg_lsclusters >/dev/null 2>&1; then
    echo "postgres: installing PostgreSQL (Debian package postgresql)"
    apt_install postgresql
  fi
  if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
    local version
    version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
    pg_createcluster "$version" main >/dev/null
  fi
  local version cluster port status
  read -r version cluster port status _ < <(pg_lsclusters -h | head -n 1)
  if [ "$status" != "online" ]; then
    pg_ctlcluster "$version" "$cluster" start
  fi
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 1
  done
  as_postgres "psql -p $port -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'coverage'\"" | grep -q 1 \
    || as_postgres "psql -p $port -qc \"CREATE ROLE coverage LOGIN CREATEDB PASSWORD 'coverage'\""
  POSTGRES_ADMIN="Host=127.0.0.1;Port=$port;Username=coverage;Password=coverage;Database=postgres"
  echo "postgres: PostgreSQL $version/$cluster on port $port"
}

# After ensure_postgres: psql's environment (PGHOST, PGPORT, PGUSER, PGPASSWORD) from POSTGRES_ADMIN, for the bench scripts.
export_postgres_client_env() {
  field() { sed -E "s/.*(^|;)$1=([^;]*).*/\2/" <<<"$POSTGRES_ADMIN"; }
  export PGHOST=$(field Host) PGPORT=$(field Port) PGUSER=$(field Username) PGPASSWORD=$(field Password)
}
