#!/usr/bin/env bash
# API conformance: schemathesis (PyPI) against /api/v1/openapi.json of `kaohe serve --demo` on a
# fresh data folder, as the demo city's 考核办 user with an API token. Every check runs
# (server errors, responses against the schema, status codes, content types, headers...);
# prints schemathesis's summary and exits non-zero on any failure. Left out: schemathesis's
# `positive_data_acceptance` check — a schema cannot say that a record's version must be the
# current one or that an org must exist, so a schema-valid request may rightly get 404/409/422.
#
#   bench/api-conformance.sh [MAX_EXAMPLES]        (default 50 per operation)
#
# Needs a release build and `pip install schemathesis`. KAOHE_DATABASE_URL=postgres://… runs it
# on PostgreSQL (an empty database).
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-50}
bin=${KAOHE_BIN:-${CARGO_TARGET_DIR:-target}/release/kaohe}
command -v st >/dev/null || pip install -q schemathesis
data=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export KAOHE_DEMO_PASSWORD=Demo-pass-2009
"$bin" --data-dir "$data" serve --demo --bind "127.0.0.1:$port" >"$data/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/login" >/dev/null && break; sleep 0.5; done
token=$("$bin" --data-dir "$data" user token kaoheban --label schemathesis | tail -1)
echo "# kaohe $(git rev-parse --short HEAD), schemathesis $(st --version | grep -o '[0-9.]*' | head -1), $examples examples per operation"
status=0
st run "http://127.0.0.1:$port/api/v1/openapi.json" -H "Authorization: Bearer $token" \
  --checks all --exclude-checks positive_data_acceptance --max-examples "$examples" --workers 2 --request-timeout 30 --no-color "${@:2}" || status=$?
exit "$status"
