#!/usr/bin/env bash
# Load test of the web server: a release `pingshen serve` on a demo database on disk, then wrk
# against the public pages; prints requests/s and p99 latency per target. Loopback only; every
# run is bounded (LOAD_DURATION per target). Not part of `make test`; `make load` builds and runs it.
#
#   PINGSHEN_BIN=.build/release/pingshen scripts/load.sh
#   LOAD_DURATION=30s LOAD_CONNECTIONS=64 LOAD_APPLICATIONS=2000 scripts/load.sh
#
# The verification route has a per-client token bucket (RateLimit.verificationDefault: 20 at
# once, then one every 3 s per address; not settable from `serve`). wrk is one client, so the
# /verify run measures the first 20 answers and then the limiter's 429 page; the output counts
# them ("non-2xx"). /notices and / are not limited and measure page rendering from the store.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${PINGSHEN_BIN:-.build/release/pingshen}
DIR=${LOAD_DIR:-out/load}
APPLICATIONS=${LOAD_APPLICATIONS:-200}
THREADS=${LOAD_THREADS:-2}
CONNECTIONS=${LOAD_CONNECTIONS:-32}
DURATION=${LOAD_DURATION:-15s}
PORT=${LOAD_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
BASE="http://127.0.0.1:$PORT"

command -v wrk >/dev/null || { echo "load: wrk not found (apt-get install wrk)"; exit 1; }
[ -x "$BIN" ] || { echo "load: no pingshen executable at $BIN (make load builds it)"; exit 1; }
mkdir -p "$DIR"
LOG="$DIR/server.log"

# One client address (wrk) holds all the connections: the per-client cap goes above them.
"$BIN" serve --demo --out "$DIR" --applications "$APPLICATIONS" --port "$PORT" \
  --max-connections-per-client $((CONNECTIONS + 16)) >"$LOG" 2>&1 &
SERVER=$!
stop() { kill -INT "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true; }
trap stop EXIT
for _ in $(seq 600); do
  curl -sf "$BASE/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { echo "load: the server stopped; see $LOG"; tail -5 "$LOG"; exit 1; }
  sleep 0.5
done
curl -sf "$BASE/healthz" >/dev/null || { echo "load: no answer on $BASE/healthz; see $LOG"; exit 1; }
sleep 0.3
# A valid certificate from what `serve --demo` printed: "  NUMBER  CODE  [有效]  URL".
read -r NUMBER CODE < <(grep -m1 '\[有效\]' "$LOG" | awk '{print $1, $2}')
[ -n "${NUMBER:-}" ] || { echo "load: serve --demo printed no valid certificate; see $LOG"; exit 1; }

# An applicant signed in with a declaration started (scripts/load-session.py): the logged-in
# status page and the form submission (a draft saved: parsed, stored in one transaction, 303).
eval "$(python3 scripts/load-session.py "$BASE")"
export PINGSHEN_COOKIE PINGSHEN_CSRF PINGSHEN_FORM_BODY

# name|path|wrk options — every target measured.
TARGETS=(
  "notices|/notices|"
  "home|/|"
  "verify (valid certificate, rate-limited)|/verify?number=$NUMBER&code=$CODE|"
  "applicant status page (signed in)|/apply/$PINGSHEN_APPLICATION|cookie"
  "declaration form POST (save draft)|/apply/$PINGSHEN_APPLICATION/form|post"
)

echo "load: $BIN on $DIR/pingshen.sqlite ($APPLICATIONS applications), wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-42s %12s %10s %10s %12s\n' target "requests/s" "p50" "p99" "non-2xx"
for target in "${TARGETS[@]}"; do
  IFS='|' read -r name path mode <<<"$target"
  case "$mode" in
    cookie) out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Cookie: $PINGSHEN_COOKIE" "$BASE$path") ;;
    post) out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s scripts/post-form.lua "$BASE$path") ;;
    *) out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$BASE$path") ;;
  esac
  echo "$out" >"$DIR/wrk-$(echo "$name" | tr -c 'a-z0-9' '-' | sed 's/-*$//').txt"
  rps=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx or 3xx responses:/ {print $NF}')
  total=$(echo "$out" | awk '/requests in/ {print $1}')
  printf '%-42s %12s %10s %10s %12s\n' "$name" "$rps" "$p50" "$p99" "${non2xx:-0} of $total"
done
echo "wrk's full output: $DIR/wrk-*.txt; server log: $LOG"
