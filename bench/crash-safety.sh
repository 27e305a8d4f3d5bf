#!/usr/bin/env bash
# Crash safety: an import of ROWS members (default 1,000,000) is killed with SIGKILL at KILLS
# points (default 20) spread over its run; after each kill kaohe is started again and the script
# checks that the registry holds all of the batch or none of it, that the audit chain verifies,
# that every record has its history row, and that the database passes its integrity check
# (SQLite: PRAGMA integrity_check + foreign_key_check; PostgreSQL: pg_amcheck on every index and
# table when installed, else the amcheck extension on every B-tree index).
#
#   bench/crash-safety.sh sqlite|postgres [ROWS] [KILLS]
#
# Needs a release build (cargo build --release -p kaohe) and python3; PostgreSQL at
# $KAOHE_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
engine=${1:?usage: bench/crash-safety.sh sqlite|postgres [ROWS] [KILLS]}
rows=${2:-1000000}
kills=${3:-20}
bin=${KAOHE_BIN:-${CARGO_TARGET_DIR:-target}/release/kaohe}
pg=${KAOHE_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
work=${TMPDIR:-/tmp}/kaohe-crash-$engine
rm -rf "$work" && mkdir -p "$work"
export KAOHE_MASTER_KEY=$(printf 'c%.0s' {1..64})
csv=$work/members.csv
python3 bench/gen_members.py "$rows" "$csv"
echo "# $rows rows, $(du -h "$csv" | cut -f1) CSV; engine $engine; $(nproc) cores"

url_of() { # the database URL of run $1
  if [ "$engine" = sqlite ]; then echo "sqlite://$work/run$1/kaohe.db?mode=rwc"; else echo "${pg%/*}/kaohe_crash_$1"; fi
}
kaohe() { local run=$1; shift; KAOHE_DATABASE_URL=$(url_of "$run") "$bin" --data-dir "$work/run$run" "$@"; }

# The pristine database: the city, no members.
mkdir -p "$work/runbase"
if [ "$engine" = postgres ]; then
  psql "$pg" -qAtc "SELECT 'DROP DATABASE ' || datname || ';' FROM pg_database WHERE datname LIKE 'kaohe_crash_%'" | psql "$pg" -q
  psql "$pg" -qc "CREATE DATABASE kaohe_crash_base"
fi
kaohe base init --org-code HY --org-name 衡阳市总工会 >/dev/null
fresh() { # a copy of the pristine database for run $1
  mkdir -p "$work/run$1"
  if [ "$engine" = sqlite ]; then cp "$work/runbase/"kaohe.db* "$work/run$1/"; else psql "$pg" -qc "CREATE DATABASE kaohe_crash_$1 TEMPLATE kaohe_crash_base"; fi
}

count() { # members, history rows, integrity of run $1
  if [ "$engine" = sqlite ]; then
    python3 - "$work/run$1/kaohe.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
m = c.execute("SELECT COUNT(*) FROM r_members").fetchone()[0]
h = c.execute("SELECT COUNT(*) FROM record_history WHERE registry = 'members'").fetchone()[0]
ok = c.execute("PRAGMA integrity_check").fetchall() == [("ok",)] and not c.execute("PRAGMA foreign_key_check").fetchall()
print(m, h, "ok" if ok else "FAILED")
PY
  else
    local u; u=$(url_of "$1")
    local m h ok=ok
    m=$(psql "$u" -qAtc "SELECT COUNT(*) FROM r_members")
    h=$(psql "$u" -qAtc "SELECT COUNT(*) FROM record_history WHERE registry = 'members'")
    amcheck=$(ls /usr/lib/postgresql/*/bin/pg_amcheck 2>/dev/null | head -1 || true)
    if [ -n "$amcheck" ]; then
      "$amcheck" --install-missing --heapallindexed -d "kaohe_crash_$1" -h 127.0.0.1 -U postgres >/dev/null 2>&1 || ok=FAILED
    else
      psql "$u" -qc "CREATE EXTENSION IF NOT EXISTS amcheck" >/dev/null
      psql "$u" -qAtc "SELECT bool_and(bt_index_check(c.oid, true)) IS NOT FALSE FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'btree' AND c.relnamespace = 'public'::regnamespace" | grep -q t || ok=FAILED
    fi
    echo "$m $h $ok"
  fi
}

# One import left to finish: its length spreads the kill points.
fresh full
start=$(date +%s.%N)
kaohe full import --registry members --file "$csv" --org HY >/dev/null
secs=$(echo "$(date +%s.%N) - $start" | bc)
read -r m h ok <<<"$(count full)"
echo "# uninterrupted import: $(printf %.1f "$secs") s; $m members, $h history rows, integrity $ok"
[ "$m" = "$rows" ] && [ "$h" = "$rows" ] && [ "$ok" = ok ] || { echo "FAILED: the uninterrupted import"; exit 1; }

printf '%-5s %-9s %-9s %-9s %-10s %-10s %s\n' kill "at (s)" members history integrity "audit" verdict
fail=0
for i in $(seq 1 "$kills"); do
  fresh "$i"
  # Points from 3% to 130% of the import's length: reading, checking, writing, committing, done
  # (past 100%: the length varies with the load, so some kills land after the commit).
  at=$(echo "scale=2; $secs * (3 + ($i - 1) * 127 / ($kills - 1)) / 100" | bc)
  ( KAOHE_DATABASE_URL=$(url_of "$i") exec "$bin" --data-dir "$work/run$i" import --registry members --file "$csv" --org HY >/dev/null 2>&1 ) &
  pid=$!
  sleep "$at"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  # Start again: kaohe opens the database (recovery, migrations) and checks the audit chain.
  if kaohe "$i" audit verify >/dev/null 2>&1; then audit=ok; else audit=FAILED; fi
  read -r m h ok <<<"$(count "$i")"
  verdict=ok
  if { [ "$m" != 0 ] && [ "$m" != "$rows" ]; } || [ "$h" != "$m" ] || [ "$ok" != ok ] || [ "$audit" != ok ]; then
    verdict=FAILED; fail=$((fail + 1))
  fi
  printf '%-5s %-9s %-9s %-9s %-10s %-10s %s\n' "$i" "$at" "$m" "$h" "$ok" "$audit" "$verdict"
  if [ "$engine" = sqlite ]; then rm -rf "$work/run$i"; else psql "$pg" -qc "DROP DATABASE kaohe_crash_$i"; fi
done
echo "# $kills kills, $fail failed"
[ "$engine" = postgres ] && psql "$pg" -qc "DROP DATABASE kaohe_crash_full" -qc "DROP DATABASE kaohe_crash_base"
rm -rf "$work"
[ "$fail" = 0 ]
