#!/usr/bin/env bash
# Load: wrk (Debian) at CONNECTIONS connections (default 64) for SECONDS each (default 60)
# against the pages and API reads people use most — the dashboard, an indicator's children table,
# a registry list page deep into its records (keyset), and the main API reads. Prints a table of
# requests/s, p50, p99 and errors per endpoint.
#
#   bench/load.sh [DATA_DIR] [SECONDS] [CONNECTIONS]
#
# DATA_DIR holds a loaded database (e.g. `kaohe --data-dir D demo --scale province`); without it
# a fresh folder gets the demo city. KAOHE_DATABASE_URL=postgres://… serves PostgreSQL instead
# of the folder's SQLite file. KAOHE_SERVERS=N (default 1) starts N `kaohe serve` processes on
# the one database behind nginx (round robin, no sticky sessions) and first checks that a
# session signed in on one is accepted by every other, and that a record written through one
# changes a figure evaluated by another. KAOHE_WORKERS=W gives each process W worker threads.
# ONLY=REGEX times only the endpoints whose name matches. Needs a release build, wrk, curl,
# python3 (psql for PostgreSQL, nginx for N > 1); installs wrk and nginx when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${KAOHE_BIN:-${CARGO_TARGET_DIR:-target}/release/kaohe}
data=${1:-}
secs=${2:-60}
conns=${3:-64}
servers=${KAOHE_SERVERS:-1}
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
if [ "$servers" -gt 1 ] && ! command -v nginx >/dev/null; then apt-get install -y -qq nginx-light >/dev/null; fi
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
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ports=()
pids=()
work=$(mktemp -d)
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
  [ -n "$own" ] && rm -rf "$own"
  return 0
}
trap cleanup EXIT
for i in $(seq "$servers"); do
  port=$(free_port)
  "$bin" --data-dir "$data" serve --bind "127.0.0.1:$port" >"$data/load-serve-$i.log" 2>&1 &
  pids+=($!)
  ports+=("$port")
done
for port in "${ports[@]}"; do
  for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/login" >/dev/null && break; sleep 0.5; done
done
base=http://127.0.0.1:${ports[0]}
if [ "$servers" -gt 1 ]; then
  front=$(free_port)
  upstreams=$(for p in "${ports[@]}"; do echo "server 127.0.0.1:$p;"; done)
  cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/body;
  proxy_temp_path $work/proxy;
  client_max_body_size 110m;
  upstream kaohe { $upstreams keepalive 128; }
  server {
    listen 127.0.0.1:$front;
    location / {
      proxy_pass http://kaohe;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_read_timeout 900s;
    }
  }
}
CONF
  nginx -c "$work/nginx.conf" -p "$work"
  base=http://127.0.0.1:$front
  for _ in $(seq 100); do curl -sf "$base/login" >/dev/null && break; sleep 0.2; done
fi
jar=$(mktemp)
t=$(curl -s -c "$jar" "$base/login" | grep -o 'name="_csrf" value="[^"]*"' | sed 's/.*value="//; s/"$//')
curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "_csrf=$t" --data-urlencode "username=$user" --data-urlencode "password=$pw" "$base/login"
cookie=$(awk '$6 == "kaohe_session" {print "kaohe_session=" $7}' "$jar")
[ -n "$cookie" ] || { echo "could not sign in as $user" >&2; exit 1; }
year=$(sql "SELECT value FROM meta WHERE key = 'assessment_year'" 2>/dev/null || true)
year=${year:-2009}

if [ "$servers" -gt 1 ]; then
  # The session signed in through the balancer, shown to each process directly.
  for i in "${!ports[@]}"; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:${ports[$i]}/dashboard")
    [ "$code" = 200 ] || { echo "server $((i + 1)) refused the session signed in through the balancer (HTTP $code)" >&2; exit 1; }
  done
  echo "# a session signed in through nginx is accepted by each of the $servers processes"
  # A record written through the second process moves a figure the first one evaluates.
  auth="Authorization: Bearer $token"
  figure() {
    curl -sf -H "$auth" "http://127.0.0.1:${ports[0]}/api/v1/indicators/fair_enterprises/values?period=$year&org=$top_id" |
      python3 -c 'import json, sys; print(json.load(sys.stdin)["rows"][0]["exact"] or 0)'
  }
  before=$(figure)
  rec=$(curl -sf -H "$auth" -H 'Content-Type: application/json' "http://127.0.0.1:${ports[1]}/api/v1/registries/job_fairs/records" \
    -d "{\"org_id\": $top_id, \"values\": {\"name\": \"load check $$\", \"held_on\": \"$year-06-01\", \"enterprises\": 7, \"vacancies\": 1, \"seekers\": 1, \"intentions\": 1}}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
  after=$(figure)
  curl -sf -o /dev/null -X DELETE -H "$auth" "http://127.0.0.1:${ports[1]}/api/v1/registries/job_fairs/records/$rec?version=1"
  restored=$(figure)
  if [ "$after" != "$((before + 7))" ] || [ "$restored" != "$before" ]; then
    echo "stale figure across processes: $before, after +7 on server 2: $after, after the delete: $restored" >&2
    exit 1
  fi
  echo "# job-fair enterprises at the top ($year) on server 1: $before; +7 written on server 2 → $after; deleted → $restored"
fi

echo "# kaohe $(git rev-parse --short HEAD) · $([ -n "${KAOHE_DATABASE_URL:-}" ] && echo PostgreSQL || echo SQLite) · $members members · $servers server(s)${KAOHE_WORKERS:+ × $KAOHE_WORKERS worker(s)} · wrk -c $conns -d ${secs}s · $(nproc) cores"
printf '%-44s %9s %9s %9s %8s\n' endpoint 'req/s' 'p50 ms' 'p99 ms' errors
run() { # name, path, header
  if [ -n "${ONLY:-}" ] && ! [[ $1 =~ $ONLY ]]; then return; fi
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
run "org tree page" "/orgs" "Cookie: $cookie"
run "org tree: the top's children (lazy)" "/orgs/$top_id/children" "Cookie: $cookie"
run "org search by pinyin initials (cs)" "/orgs/search?q=cs" "Cookie: $cookie"
run "indicator children table (new members)" "/indicators/new_members?period=$year" "Cookie: $cookie"
run "members list page, 90% deep (keyset)" "/registries/members?after_id=$deep" "Cookie: $cookie"
run "API: top org's children" "/api/v1/orgs/$top_id/children" "Authorization: Bearer $token"
run "API: members page, 90% deep" "/api/v1/registries/members/records?limit=100&after=$deep" "Authorization: Bearer $token"
run "API: indicator with children" "/api/v1/indicators/new_members/values?period=$year&children=true" "Authorization: Bearer $token"

# One user alone: the org tree as it opens (the page, then the top's children it loads), 20
# times in a row.
if [ -z "${ONLY:-}" ] || [[ "org tree opening" =~ $ONLY ]]; then
  times=$(for _ in $(seq 20); do
    a=$(curl -s -o /dev/null -w '%{time_total}' -H "Cookie: $cookie" "$base/orgs")
    b=$(curl -s -o /dev/null -w '%{time_total}' -H "Cookie: $cookie" "$base/orgs/$top_id/children")
    echo "$a $b" | awk '{printf "%.2f\n", ($1 + $2) * 1000}'
  done | sort -n)
  printf '%-44s %9s %9s %9s %8s\n' "org tree opening, one user (page + children)" "" "$(echo "$times" | sed -n 10p)" "$(echo "$times" | tail -1)" ""
fi

# A whole-tree evaluation job (every indicator for every federation and department under the
# top) started from the indicators page, and a page timed while it runs: the job's CPU work
# is off the async workers, so other requests keep being answered.
if [ -z "${ONLY:-}" ] || [[ "evaluation job" =~ $ONLY ]]; then
  csrf=$(curl -s -H "Cookie: $cookie" "$base/account" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
  started=$(date +%s.%N)
  job=$(curl -s -H "Cookie: $cookie" -H "x-csrf-token: $csrf" --data-urlencode "org=$top_id" --data-urlencode "period=$year" \
    --data-urlencode "section=" --data-urlencode "depth=federations" "$base/indicators/everywhere" | grep -o 'hx-get="/jobs/[0-9]*"' | grep -o '[0-9]*' || true)
  [ -n "$job" ] || { echo "the evaluation job did not start" >&2; exit 1; }
  (
    while curl -s -H "Cookie: $cookie" "$base/jobs/$job" | grep -q '<progress'; do sleep 0.5; done
    date +%s.%N >"$work/job-done"
  ) &
  poller=$!
  run "members list page while the evaluation job runs" "/registries/members?after_id=$deep" "Cookie: $cookie"
  wait "$poller"
  took=$(echo "$(cat "$work/job-done") $started" | awk '{printf "%.1f", $1 - $2}')
  page=$(curl -s -H "Cookie: $cookie" "$base/jobs/$job")
  echo "$page" | grep -q "/jobs/$job/files/0" || { echo "the evaluation job failed: $page" >&2; exit 1; }
  echo "# evaluation job: $(echo "$page" | grep -o '<h2>[^<]*' | sed 's/<h2>//') — done in $took s (the row above was timed over its first ${secs} s)"
fi

# Each server's peak resident memory over the run.
for i in "${!pids[@]}"; do
  hwm=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/${pids[$i]}/status" 2>/dev/null || echo "?")
  echo "# server $((i + 1)): peak resident memory $hwm MB"
done
