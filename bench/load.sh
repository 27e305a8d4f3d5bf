#!/usr/bin/env bash
# Load: wrk (Debian) at CONNECTIONS connections (default 64) for SECONDS each (default 60)
# against the pages and API reads people use most — the dashboard, an indicator's children table,
# a registry list page deep into its records (keyset), and the main API reads — on one
# `kaohe serve`. Prints a table of requests/s, p50, p99 and errors per endpoint.
#
#   bench/load.sh [DATA_DIR] [SECONDS] [CONNECTIONS]
#
# DATA_DIR holds a loaded database (e.g. `kaohe --data-dir D demo --scale province`); without it
# a fresh folder gets the demo city. KAOHE_DATABASE_URL=postgres://… serves PostgreSQL instead
# of the folder's SQLite file. Needs a release build, wrk, curl, python3 (and psql for PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${KAOHE_BIN:-${CARGO_TARGET_DIR:-target}/release/kaohe}
data=${1:-}
secs=${2:-60}
conns=${3:-64}
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
own=""
if [ -z "$data" ]; then
  data=$(mktemp -d)
  own=$data
  KAOHE_DEMO_PASSWORD=Demo-pass-2009 "$bin" --data-dir "$data" demo >/dev/null
fi
sql() { # one value from the served database
  if [ -n "${KAOHE_DATABASE_URL:-}" ]; then psql "$KAOHE_DATABASE_URL" -qAtc "$1"
  else python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$data/kaohe.db" "$1"; fi
}
top=$(sql "SELECT code FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1")
top_id=$(sql "SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1")
deep=$(sql "SELECT id FROM r_members ORDER BY id LIMIT 1 OFFSET (SELECT COUNT(*) * 9 / 10 FROM r_members)")
members=$(sql "SELECT COUNT(*) FROM r_members")
user=load$$
pw=$("$bin" --data-dir "$data" user add "$user" --org "$top" --role assessor | tail -1 | grep -o '[^ ]*$')
token=$("$bin" --data-dir "$data" user token "$user" --label load | tail -1)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" --data-dir "$data" serve --bind "127.0.0.1:$port" >"$data/load-serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; [ -n "$own" ] && rm -rf "$own"' EXIT
base=http://127.0.0.1:$port
for _ in $(seq 600); do curl -sf "$base/login" >/dev/null && break; sleep 0.5; done
jar=$(mktemp)
t=$(curl -s -c "$jar" "$base/login" | grep -o 'name="_csrf" value="[^"]*"' | sed 's/.*value="//; s/"$//')
curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "_csrf=$t" --data-urlencode "username=$user" --data-urlencode "password=$pw" "$base/login"
cookie=$(awk '$6 == "kaohe_session" {print "kaohe_session=" $7}' "$jar")
[ -n "$cookie" ] || { echo "could not sign in as $user" >&2; exit 1; }

echo "# kaohe $(git rev-parse --short HEAD) · $([ -n "${KAOHE_DATABASE_URL:-}" ] && echo PostgreSQL || echo SQLite) · $members members · wrk -c $conns -d ${secs}s · $(nproc) cores"
printf '%-44s %9s %9s %9s %8s\n' endpoint 'req/s' 'p50 ms' 'p99 ms' errors
run() { # name, path, header
  local out
  # Once first, untimed: the engine's snapshot loads on the first figure asked for. A page that
  # does not answer 200 (a redirect to the sign-in page would time the wrong thing) is reported.
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 900 -H "$3" "$base$2" || true)
  if [ "$code" != 200 ]; then printf '%-44s %s\n' "$1" "HTTP $code: not timed"; return; fi
  out=$(wrk -t 2 -c "$conns" -d "${secs}s" --latency -H "$3" "$base$2" 2>&1)
  local rps p50 p99 non2xx sock
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  sock=$(echo "$out" | awk -F'[ ,]+' '/Socket errors/ {print $4 + $6 + $8 + $10}')
  ms() { echo "$1" | awk '/us$/ {sub("us",""); printf "%.2f", $1/1000; next} /ms$/ {sub("ms",""); printf "%.2f", $1; next} /s$/ {sub("s",""); printf "%.0f", $1*1000}'; }
  printf '%-44s %9.0f %9s %9s %8s\n' "$1" "${rps:-0}" "$(ms "$p50")" "$(ms "$p99")" "$(( ${non2xx:-0} + ${sock:-0} ))"
}
run "dashboard page" "/dashboard" "Cookie: $cookie"
run "indicator children table (new members)" "/indicators/new_members?period=2009" "Cookie: $cookie"
run "members list page, 90% deep (keyset)" "/registries/members?after_id=$deep" "Cookie: $cookie"
run "API: top org's children" "/api/v1/orgs/$top_id/children" "Authorization: Bearer $token"
run "API: members page, 90% deep" "/api/v1/registries/members/records?limit=100&after=$deep" "Authorization: Bearer $token"
run "API: indicator with children" "/api/v1/indicators/new_members/values?period=2009&children=true" "Authorization: Bearer $token"
