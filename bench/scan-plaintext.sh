#!/usr/bin/env bash
# No ID number in clear at rest or in transit to logs: loads the demo city (its members carry
# valid GB 11643 ID numbers), serves it with debug logging, signs in as an editor and provokes
# error pages and API errors carrying ID numbers (a duplicate member, a malformed form, an API
# filter on the ID field, bad ids), takes a backup, then scans the database files, the engine's
# snapshot files, uploaded files, the backup, the server's log and every error page saved with
# bench/scan_plaintext.py. Prints a line per file and the total, which must be 0.
#
#   bench/scan-plaintext.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${KAOHE_BIN:-${CARGO_TARGET_DIR:-target}/release/kaohe}
work=$(mktemp -d)
data=$work/data
pages=$work/pages
mkdir -p "$pages"
export KAOHE_DEMO_PASSWORD=Demo-pass-2009
export KAOHE_LOG=debug,sqlx=warn,hyper=info,h2=info
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" --data-dir "$data" serve --demo --bind "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
base=http://127.0.0.1:$port
for _ in $(seq 900); do curl -sf "$base/login" >/dev/null && break; sleep 0.5; done

# A real ID number of the demo, to type where it should not be shown back in clear.
id=$(python3 - "$data/kaohe.db" <<'PY'
import sqlite3, sys
# The sealed values cannot be read here; make a valid ID number instead.
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
body = "43040219800101123"
print(body + "10X98765432"[sum(int(c) * w for c, w in zip(body, W)) % 11])
PY
)
jar=$work/cookies
csrf() { curl -s -b "$jar" -c "$jar" "$base$1" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }
t=$(csrf /login)
curl -s -b "$jar" -c "$jar" -o /dev/null -d "_csrf=$t&username=ly_editor&password=$KAOHE_DEMO_PASSWORD" "$base/login"
t=$(csrf /registries/members/new)
n=0
save() { n=$((n + 1)); curl -s -b "$jar" -c "$jar" -o "$pages/page$n.html" "$@" || true; }
# A new member with a valid ID number and a broken date: the form comes back with errors.
save -d "_csrf=$t&name=测试&id_number=$id&unit_name=某公司&category=职工&joined_on=2009-13-45" "$base/registries/members/records"
# The same ID number twice: the second is refused as a duplicate.
save -d "_csrf=$t&name=测试&id_number=$id&unit_name=某公司&category=职工&joined_on=2009-03-01" "$base/registries/members/records"
save -d "_csrf=$t&name=测试&id_number=$id&unit_name=某公司&category=职工&joined_on=2009-03-01" "$base/registries/members/records"
save -d "_csrf=$t&id_number=$id" "$base/registries/members/check"
save "$base/registries/members/999999999"
save "$base/registries/members?filter=id_number%3D$id"
token=$("$bin" --data-dir "$data" user token ly_editor --label scan | tail -1)
api() { n=$((n + 1)); curl -s -H "Authorization: Bearer $token" -o "$pages/api$n.json" "$@" || true; }
api "$base/api/v1/registries/members/records?filter=id_number=$id"
api -H 'content-type: application/json' -d "{\"org_id\": 1, \"values\": {\"id_number\": \"$id\"}}" "$base/api/v1/registries/members/records"
api -H 'content-type: application/json' -d "{\"org_id\": \"$id\"}" "$base/api/v1/registries/members/records"
api "$base/api/v1/orgs/$id"
"$bin" --data-dir "$data" backup -o "$work/city.kbak" >/dev/null
sleep 1
echo "# $(ls "$pages" | wc -l) error pages and API answers saved; scanning"
python3 bench/scan_plaintext.py "$data" "$work/city.kbak" "$work/serve.log" "$pages"
