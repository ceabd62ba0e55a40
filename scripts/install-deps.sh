#!/usr/bin/env bash
# Install the Debian packages the build, the server and the tests need, plus any
# packages named as arguments (the benchmarks' peers: `make bench-sql` passes them),
# skipping those already present.  Safe to run again; quiet when nothing is missing.
set -euo pipefail

pkgs=(
  build-essential clang pkg-config
  libssl-dev openssl          # TLS, SCRAM primitives, hashes, certificates
  libsqlite3-dev              # the embedded store
  libcunit1-dev               # unit tests
  postgresql-client           # psql, the real PostgreSQL CLI the client suite drives
  mariadb-client              # the mariadb CLI the MySQL client suite drives
  sysbench                    # MySQL's standard load generator, run as a correctness workload
  libmariadb-dev              # headers mysqlclient (PyPI) compiles against
  libopenblas-dev             # the accelerator's CPU backend (sgemm)
  python3-venv
  maven openjdk-17-jdk-headless   # the PostgreSQL JDBC suite (tests/clients/java)
)

pkgs+=("$@")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node-postgres suite: Debian's nodejs + npm, unless a Node with npm is already on PATH
# (a Node from elsewhere bundles npm, and Debian's npm package would clash with it)
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
