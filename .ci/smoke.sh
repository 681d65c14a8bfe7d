#!/usr/bin/env bash
# smoke.sh [BINARY] — start the real desktop client under Xvfb and check that
# it draws its window (the first sign-in, in a fresh data folder; make demo
# shows the signed-in case list).
#
# Builds bin/feltsag unless BINARY is given, starts Xvfb on a free display,
# starts the client, waits (polling, up to 30s) for the "Feltsag" window,
# screenshots it to bin/smoke.png and fails unless the picture has more than
# MIN_COLOURS distinct colours (a blank or black window has one or two).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=.ci/client.sh
source .ci/client.sh
pin_locale

MIN_COLOURS=${MIN_COLOURS:-20}
WINDOW_TIMEOUT=${WINDOW_TIMEOUT:-30}
bin=${1:-}
shot=bin/smoke.png
log=bin/smoke.log

fail() {
	echo "smoke: FAIL: $*" >&2
	if [[ -s $log ]]; then
		echo "smoke: client log ($log):" >&2
		sed 's/^/  | /' "$log" >&2
	fi
	exit 1
}

for tool in Xvfb xwininfo; do
	command -v "$tool" >/dev/null || fail "$tool not found; run 'make deps'"
done
command -v magick >/dev/null || command -v import >/dev/null || fail "ImageMagick not found; run 'make deps'"

mkdir -p bin
if [[ -z $bin ]]; then
	bin=bin/feltsag
	go build -tags migrated_fynedo -o "$bin" ./cmd/feltsag
fi

XVFB_PID='' CLIENT_PID=''
data=$(mktemp -d) # a fresh data folder: the client shows its first sign-in
cleanup() {
	[[ -n $CLIENT_PID ]] && stop_pid "$CLIENT_PID"
	[[ -n $XVFB_PID ]] && stop_pid "$XVFB_PID"
	rm -rf "$data"
}
trap cleanup EXIT

start_xvfb || fail "could not start Xvfb"
"$bin" -data "$data" >"$log" 2>&1 &
CLIENT_PID=$!
echo "smoke: started $bin (pid $CLIENT_PID) on display $DISPLAY"

window=$(wait_for_window Feltsag "$CLIENT_PID" "$WINDOW_TIMEOUT") || fail "window did not appear"

# The window exists before its first frame is drawn: poll until it has
# content or the time is up, keeping the last screenshot for the report.
n=0
for ((i = 0; i < 50; i++)); do
	im_import -window "$window" "$shot" || true
	n=$(colours "$shot")
	((n > MIN_COLOURS)) && break
	sleep 0.2
done
((n > MIN_COLOURS)) || fail "$shot looks blank: $n colours, want more than $MIN_COLOURS"
kill -0 "$CLIENT_PID" 2>/dev/null || fail "the client exited while showing its window"
if grep -q 'Fyne error' "$log"; then
	echo "smoke: warning: the client logged Fyne errors:" >&2
	sed 's/^/  | /' "$log" >&2
fi
echo "smoke: ok: window $window drawn with $n colours; screenshot in $shot"
