#!/usr/bin/env bash
# Attack run: a release `pingshen serve --demo` (on a fresh demo database, with the usual
# 1,024-file limit of a service) and scripts/attack.py against it — an anonymous flood of 64
# large multipart POSTs (server peak memory), 1,100 half-sent requests (connections held, are
# other clients answered), bodies dripping in, six registrations racing with one ID number, a
# sign-in lockout attempt, sign-in timing for known and unknown names, uploads beyond a
# field's file count. Prints requests tried and refused per category, the server's peak memory
# and the connections it held. Loopback only; attackers use 127.0.0.2 and up.
#
#   scripts/attack.sh                 # builds .build-attack/release/pingshen first
#   scripts/attack.sh --quick         # smaller flood and fewer half-sent requests
#   ATTACK_BIN=/path/to/pingshen scripts/attack.sh   # another build (e.g. an older commit's)
#   ATTACK_ROOT=/path/to/checkout …   # the server's policy/, forms/, templates/, web/ (default: here)
#
# Figures of a run are in README.md ("Hardening").
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${ATTACK_BIN:-}" ]; then
  swift build -c release --product pingshen --scratch-path .build-attack
fi
BIN=$(realpath "${ATTACK_BIN:-.build-attack/release/pingshen}")
ROOT=${ATTACK_ROOT:-.}
DIR=$(realpath -m "${ATTACK_DIR:-out/attack}")
FILES=${ATTACK_FILE_LIMIT:-1024}
PORT=${ATTACK_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
BASE="http://127.0.0.1:$PORT"

[ -x "$BIN" ] || { echo "attack: no pingshen executable at $BIN"; exit 1; }
command -v python3 >/dev/null || { echo "attack: python3 not found"; exit 1; }
rm -rf "$DIR"
mkdir -p "$DIR"
LOG="$DIR/server.log"

# The server with a service's usual open-file limit; `exec` keeps the PID for /proc.
(cd "$ROOT" && ulimit -n "$FILES" && exec "$BIN" serve --demo --out "$DIR" --applications 40 --port "$PORT") >"$LOG" 2>&1 &
SERVER=$!
stop() { kill -INT "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true; }
trap stop EXIT
for _ in $(seq 600); do
  curl -sf "$BASE/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { echo "attack: the server stopped; see $LOG"; tail -5 "$LOG"; exit 1; }
  sleep 0.5
done
curl -sf "$BASE/healthz" >/dev/null || { echo "attack: no answer on $BASE/healthz; see $LOG"; exit 1; }

echo "attack: $BIN (pid $SERVER, open files ≤ $FILES) on $DIR"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 scripts/attack.py "$BASE" "$SERVER" "$@"
if kill -0 "$SERVER" 2>/dev/null; then
  echo "attack: the server is still running; its lifetime peak RSS $(awk '/VmHWM/ {printf "%d MB", $2/1024}' /proc/$SERVER/status), log $(wc -l <"$LOG") lines"
else
  echo "attack: THE SERVER DIED; see $LOG"
  exit 1
fi
