#!/usr/bin/env bash
# Idempotent set-up: checks the JDK and Maven, installs redis-server, memcached and the Postgres server when missing.
# scripts/setup.sh --build-only checks the JDK and Maven alone (a run against your own servers needs nothing else).
set -euo pipefail

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# --- JDK and Maven ---------------------------------------------------------
command -v java >/dev/null || die "no 'java' on PATH; install a JDK 17 or newer (Debian: apt-get install openjdk-17-jdk-headless)"
jv=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
[ "${jv%%.*}" -ge 17 ] 2>/dev/null || die "java $jv found; sessionbench needs JDK 17 or newer"
command -v mvn >/dev/null || die "no 'mvn' on PATH; install Maven 3.8+ (Debian: apt-get install maven)"
say "found java $jv, $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g')"

# With --build-only (your own servers as targets: nothing runs locally) the servers and the browser are left alone.
if [ "${1:-}" = "--build-only" ]; then
  say "--build-only: not installing servers (every backend of the run is a target you gave)"
  exit 0
fi

# --- server binaries -------------------------------------------------------
pg_bin() {
  command -v initdb >/dev/null && command -v pg_ctl >/dev/null && command -v postgres >/dev/null && return 0
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 | grep -q . && [ -x "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/initdb" ]
}
missing_debian=()
command -v redis-server >/dev/null && command -v redis-cli >/dev/null || missing_debian+=(redis-server redis-tools)
command -v memcached >/dev/null || missing_debian+=(memcached)
pg_bin || missing_debian+=(postgresql)
command -v pgbench >/dev/null || [ -x "$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)/pgbench" ] || missing_debian+=(postgresql-contrib)

if [ ${#missing_debian[@]} -eq 0 ]; then
  say "found all server binaries; nothing to install"
elif command -v apt-get >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "installing with apt-get: ${missing_debian[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing_debian[@]}" >/dev/null 2>&1 \
    || { $sudo apt-get update -q >/dev/null 2>&1 && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing_debian[@]}" >/dev/null; } \
    || die "apt-get could not install ${missing_debian[*]}; install them by hand and re-run"
  # Debian starts the packaged services; sessionbench runs its own on free ports, so stop the system ones.
  for svc in redis-server memcached postgresql; do
    command -v systemctl >/dev/null && $sudo systemctl stop "$svc" >/dev/null 2>&1 || true
    command -v service >/dev/null && $sudo service "$svc" stop >/dev/null 2>&1 || true
  done
  say "installed: ${missing_debian[*]}"
elif command -v brew >/dev/null; then
  say "installing with brew: redis memcached postgresql"
  brew install redis memcached postgresql@16 || die "brew could not install redis memcached postgresql@16"
else
  die "missing server packages (${missing_debian[*]}); install redis-server + redis-cli, memcached and the PostgreSQL server with your package manager, then re-run"
fi

# --- optional: a headless browser for the report.html test and 'report --screenshot' -------------------------
# (without it, that test is skipped and says why)
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null && ! command -v google-chrome >/dev/null; then
  if command -v apt-get >/dev/null; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    say "installing chromium (headless browser for the report test) with apt-get"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 \
      || say "could not install chromium; the report.html browser test will be skipped"
  else
    say "no chromium; the report.html browser test will be skipped (install Chromium to run it)"
  fi
fi

for b in redis-server redis-cli memcached; do say "$b: $(command -v "$b")"; done
say "postgres: $( (command -v postgres || ls -d /usr/lib/postgresql/*/bin/postgres) 2>/dev/null | tail -1)"
