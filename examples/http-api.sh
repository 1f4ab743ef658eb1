#!/usr/bin/env bash
# Portico's HTTP API from a test in any language, shown with curl alone (bash, curl, grep, sed).
#
#   examples/http-api.sh                 starts ./portico --dev on free ports over a temporary data
#                                        folder, runs the checks, and stops it
#   PORTICO_HTTP=http://127.0.0.1:8025 PORTICO_SMTP=127.0.0.1:2525 examples/http-api.sh
#                                        runs the same checks against a Portico that runs already
#                                        (./portico --dev); it adds a user named "curltest"
#   PORTICO_TOKEN=...                    sent as a bearer token (the server's http.token; the Portico this
#                                        script starts gets it too)
#
# What it does is what a test of a mail-sending or file-uploading program does: add a user, send
# mail over SMTP (curl's smtp://), wait for it, read it decoded and raw, delete it; put a file into
# the user's home, list and read it back, delete it. Every step checks the answer and the script
# stops at the first one that is wrong, with exit status 1.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
pid=""

cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "http-api.sh: FAILED: $*" >&2; [ -f "$work/out" ] && sed 's/^/  portico: /' "$work/out" >&2; exit 1; }
step() { echo "http-api.sh: $*"; }

if [ -z "${PORTICO_HTTP:-}" ]; then
  # Our own Portico: --dev turns the API on; port 0 everywhere so nothing on this machine is in the way.
  token_flag=()
  [ -n "${PORTICO_TOKEN:-}" ] && token_flag=(--set "http.token=$PORTICO_TOKEN")
  "$root/portico" --dev --data "$work/data" --http-port 0 --smtp-port 0 --ftp-port 0 --pop3-port off --imap-port off \
      --telnet-port off ${token_flag[@]+"${token_flag[@]}"} >"$work/out" 2>"$work/err" &
  pid=$!
  for _ in $(seq 1 600); do   # up to 60 s: a first run builds the jar
    grep -q '^portico: ready$' "$work/out" && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/err" >&2; fail "portico exited before it was ready"; }
    sleep 0.1
  done
  grep -q '^portico: ready$' "$work/out" || fail "portico did not get ready"
  http_port="$(sed -n 's/^portico: http listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/out")"
  smtp_port="$(sed -n 's/^portico: smtp listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/out")"
  [ -n "$http_port" ] && [ -n "$smtp_port" ] || fail "no http or smtp listening line"
  PORTICO_HTTP="http://127.0.0.1:$http_port"
  PORTICO_SMTP="127.0.0.1:$smtp_port"
fi
: "${PORTICO_SMTP:?set PORTICO_SMTP=HOST:PORT of the SMTP listener too}"
api="$PORTICO_HTTP/api/v1"
auth=()
[ -n "${PORTICO_TOKEN:-}" ] && auth=(-H "Authorization: Bearer $PORTICO_TOKEN")

# call METHOD URL [curl args...]: the body goes to $work/body, the status is printed
call() {
  local method="$1" url="$2"; shift 2
  curl -sS -o "$work/body" -w '%{http_code}' -X "$method" ${auth[@]+"${auth[@]}"} "$@" "$url"
}
expect() {   # expect STATUS METHOD URL [curl args...]
  local want="$1"; shift
  local got
  got="$(call "$@")" || fail "curl failed on $1 $2"
  [ "$got" = "$want" ] || fail "$1 $2 answered $got, not $want: $(cat "$work/body")"
}
body_has() { grep -q -- "$1" "$work/body" || fail "the answer lacks $1: $(cat "$work/body")"; }

step "ready?"
expect 200 GET "$PORTICO_HTTP/ready"
body_has '"status":"ready"'
if [ -n "${PORTICO_TOKEN:-}" ]; then
  step "without the token the API refuses"
  curl -sS -o /dev/null -w '%{http_code}' "$api/users" | grep -qx 401 || fail "the API answered without the token"
fi

step "add the user curltest"
expect 201 POST "$api/users" -H 'Content-Type: application/json' \
    --data '{"name":"curltest","password":"curl-secret"}'
body_has '"address":"curltest@'

step "send a mail over SMTP with curl"
domain="$(sed -n 's/.*"address":"curltest@\([^"]*\)".*/\1/p' "$work/body")"
printf 'From: App <app@example.org>\r\nTo: curltest@%s\r\nSubject: Hello from curl\r\n\r\nIt works.\r\n' "$domain" >"$work/mail.txt"
curl -sS --url "smtp://$PORTICO_SMTP" --mail-from app@example.org --mail-rcpt "curltest@$domain" \
    --upload-file "$work/mail.txt" || fail "SMTP refused the mail"

step "wait for it (count=1, at most 10 s) and read the list"
expect 200 GET "$api/mailboxes/curltest/messages?count=1&timeout=10s"
body_has '"subject":"Hello from curl"'
body_has '"address":"app@example.org"'
href="$(grep -o '"href":"[^"]*"' "$work/body" | head -n1 | sed 's/"href":"\(.*\)"/\1/')"
[ -n "$href" ] || fail "no href in the list"

step "read it decoded, then raw"
expect 200 GET "$PORTICO_HTTP$href"
body_has '"text":"It works.\\n"'
expect 200 GET "$PORTICO_HTTP$href/raw"
body_has '^Subject: Hello from curl'

step "delete it"
expect 204 DELETE "$PORTICO_HTTP$href"
expect 200 GET "$api/mailboxes/curltest/messages"
[ "$(cat "$work/body")" = "[]" ] || fail "the mailbox is not empty: $(cat "$work/body")"

step "put a file into the home, list it, read it back, delete it"
printf 'id,total\n1,42\n' >"$work/report.csv"
expect 201 PUT "$api/files/curltest/reports/report.csv" --data-binary "@$work/report.csv"
expect 200 GET "$api/files/curltest/reports/"
body_has '"name":"report.csv"'
expect 200 GET "$api/files/curltest/reports/report.csv"
cmp -s "$work/body" "$work/report.csv" || fail "the file came back changed"
expect 400 GET "$api/files/curltest/../curltest/reports/report.csv" --path-as-is
expect 204 DELETE "$api/files/curltest/reports/report.csv"

step "remove the user again"
expect 204 DELETE "$api/users/curltest"

echo "http-api.sh: all checks passed"
