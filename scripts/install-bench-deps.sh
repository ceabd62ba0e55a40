#!/usr/bin/env bash
# The peers and load generators the side-by-side benchmarks run (tests/bench/):
# PostgreSQL 15 and MariaDB 10.11 servers, pgbench, sysbench.  Only `make bench-*`
# needs them; `make test` never installs them.  Debian's packages start no service
# here (no init system); the benchmark starts private instances of its own.
set -euo pipefail

pkgs=(postgresql-15 postgresql-client mariadb-server mariadb-client sysbench libopenblas-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
