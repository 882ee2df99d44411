#!/bin/sh
# Issue 7 acceptance, "fresh machine": in a clean clone, `npm install && npm start` brings both UIs up
# (the doctor's screen and the dispatch console), an HTTP check of each succeeds, and Ctrl-C stops
# everything.
#
#   scripts/fresh-machine-check.sh [REPO]         clone REPO (default: this checkout) at its HEAD
#   scripts/fresh-machine-check.sh --copy [DIR]   copy DIR's working tree instead (uncommitted work),
#                                                 without node_modules, data and build outputs
#
# It needs network access to the npm registry (or a warm npm cache), socat (the simulated car's ptys)
# and about 3 minutes, most of it compiling better-sqlite3 where no prebuilt binary exists.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/sosm-fresh-XXXXXX")
log="$work/npm-start.log"
pid=""

cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -INT "-$pid" 2>/dev/null || true
    sleep 5
    kill -KILL "-$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

say() { printf '[fresh-machine] %s\n' "$*"; }

if [ "${1:-}" = "--copy" ]; then
  source=${2:-$here}
  say "copying the working tree of $source"
  mkdir -p "$work/sosm"
  (cd "$source" && tar --exclude=./node_modules --exclude=./data --exclude=./test-artifacts \
    --exclude='./apps/*/dist' --exclude='./apps/*/*/dist' --exclude=./.git -cf - .) | (cd "$work/sosm" && tar -xf -)
else
  source=${1:-$here}
  say "cloning $source"
  git clone --quiet "$source" "$work/sosm"
fi
cd "$work/sosm"

say "npm install"
ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install --no-audit --no-fund >"$work/npm-install.log" 2>&1 || {
  tail -40 "$work/npm-install.log"
  exit 1
}

say "npm start (in the background, no window)"
# Its own process group, so that the whole demo gets the Ctrl-C, as in a terminal.
SOSM_DISPATCH_PORT=0 setsid npm start -- --no-ui >"$log" 2>&1 &
pid=$!

url_after() { sed -n "s#.*$1 \(http://[^ ]*\).*#\1#p" "$log" | head -1; }
deadline=$(($(date +%s) + 180))
dispatch_url=""
kiosk_url=""
while [ -z "$dispatch_url" ] || [ -z "$kiosk_url" ]; do
  if [ "$(date +%s)" -gt "$deadline" ] || ! kill -0 "$pid" 2>/dev/null; then
    say "npm start did not print both addresses:"
    tail -40 "$log"
    exit 1
  fi
  sleep 1
  dispatch_url=$(url_after "dispatch console:")
  kiosk_url=$(url_after "doctor's screen:")
done
say "dispatch console at $dispatch_url, doctor's screen at ${kiosk_url%%#*}"

check() {
  # $1 what, $2 url, $3 text the page must contain
  body=$(curl -fsS --max-time 10 "$2") || {
    say "FAIL: $1 ($2) did not answer 200"
    exit 1
  }
  case "$body" in
  *"$3"*) say "ok: $1 answers with its page" ;;
  *)
    say "FAIL: $1 ($2) answered without '$3'"
    exit 1
    ;;
  esac
}
check "dispatch console" "$dispatch_url/" "<html"
check "dispatch service health" "$dispatch_url/healthz" '"ok":true'
check "doctor's screen" "${kiosk_url%%#*}" "<html"

say "Ctrl-C"
kill -INT "-$pid"
for _ in $(seq 1 30); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
if kill -0 "$pid" 2>/dev/null; then
  say "FAIL: npm start was still running 30 s after Ctrl-C"
  exit 1
fi
pid=""
say "PASS"
