#!/usr/bin/env bash
# smoke.sh [BINDIR] — the real client, signed in against a real demo server,
# under Xvfb: screenshot the case list, an opened case, the plan preview,
# the company list and a company card, and fail when a screen does not
# come or looks blank.
#
# Uses BINDIR/feltsag and BINDIR/feltsagd (default: builds both into bin/).
# Starts `feltsagd serve --demo` on a free loopback port with its ledger in a
# temporary folder, and the client in a fresh data folder, signed in at once
# as the first demo caseworker (FELTSAG_DEMO_PASSWORD, as make demo does).
# FELTSAG_SMOKE=1 makes the client take steps on standard input ("open" the
# first case, show its "plan" preview, show the "companies", open the first
# "company": cmd/feltsag/smoke.go); the client logs
# every screen it draws (msg=screen name=...), and each step waits for its
# line, polling. The screenshots are kept as artefacts:
#
#	bin/smoke-list.png   the main window with the case list
#	bin/smoke-case.png   the first case opened (its Overblik)
#	bin/smoke-plan.png   that case's Plan tab with the preview
#	bin/smoke-companies.png  the company list (the demo account is in the
#	                         consultants' team, so it holds the demo companies)
#	bin/smoke-company.png    the first company's card
#
# A screen is blank when its picture has MIN_COLOURS distinct colours or
# fewer (a blank or black window has one or two; a drawn one hundreds).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=.ci/client.sh
source .ci/client.sh
pin_locale

MIN_COLOURS=${MIN_COLOURS:-20}
STEP_TIMEOUT=${STEP_TIMEOUT:-60} # seconds for each screen to come
SIZE=${SMOKE_SIZE:-200}          # demo citizens on the server
dir=${1:-}
log=bin/smoke-client.log
serverlog=bin/smoke-server.log

fail() {
	echo "smoke: FAIL: $*" >&2
	for f in "$log" "$serverlog"; do
		if [[ -s $f ]]; then
			echo "smoke: $f:" >&2
			tail -n 40 "$f" | sed 's/^/  | /' >&2
		fi
	done
	exit 1
}

for tool in Xvfb xwininfo; do
	command -v "$tool" >/dev/null || fail "$tool not found; run 'make deps'"
done
command -v magick >/dev/null || command -v import >/dev/null || fail "ImageMagick not found; run 'make deps'"

mkdir -p bin
rm -f bin/smoke-list.png bin/smoke-case.png bin/smoke-plan.png bin/smoke-companies.png bin/smoke-company.png
if [[ -z $dir ]]; then
	dir=bin
	go build -tags migrated_fynedo -o bin/ ./cmd/feltsag ./cmd/feltsagd
fi
bin=$dir/feltsag
server=$dir/feltsagd

tmp=$(mktemp -d)
XVFB_PID='' CLIENT_PID='' SERVER_PID=''
cleanup() {
	exec 3>&- 2>/dev/null || true
	[[ -n $CLIENT_PID ]] && stop_pid "$CLIENT_PID"
	[[ -n $SERVER_PID ]] && stop_pid "$SERVER_PID"
	[[ -n $XVFB_PID ]] && stop_pid "$XVFB_PID"
	rm -rf "$tmp"
}
trap cleanup EXIT
started=$SECONDS

# The server prints its address and the demo accounts
# ("  <user>  demo-<user>  <name> (<organisation>)") on stdout.
mkdir -p "$tmp/server"
"$server" serve --demo -demo-size "$SIZE" -demo-dir "$tmp/server" -addr 127.0.0.1:0 >"$tmp/server.out" 2>"$serverlog" &
SERVER_PID=$!
addr=''
for ((i = 0; i < 300; i++)); do
	addr=$(sed -n 's|.*lytter på ws://\([0-9.:]*\)/v1/sync.*|\1|p' "$tmp/server.out" | head -n 1)
	[[ -n $addr ]] && break
	kill -0 "$SERVER_PID" 2>/dev/null || { cat "$tmp/server.out" >&2; fail "the demo server stopped"; }
	sleep 0.1
done
[[ -n $addr ]] || fail "the demo server printed no address within 30s"
user=$(awk '$2 ~ /^demo-/ && $1 != "admin" { print $1; exit }' "$tmp/server.out")
[[ -n $user ]] || fail "the demo server printed no demo caseworker"
echo "smoke: demo server on $addr ($SIZE citizens); signing in as $user"

start_xvfb || fail "could not start Xvfb"
# The steps go through a fifo held open here (fd 3), so the client's
# standard input stays open between them.
mkfifo "$tmp/steps"
exec 3<>"$tmp/steps"
FELTSAG_SMOKE=1 FELTSAG_DEMO_PASSWORD="demo-$user" \
	"$bin" -server "http://$addr" -user "$user" -data "$tmp/client" <"$tmp/steps" >"$log" 2>&1 &
CLIENT_PID=$!
echo "smoke: started $bin (pid $CLIENT_PID) on display $DISPLAY"
window=$(wait_for_window Feltsag "$CLIENT_PID" "$STEP_TIMEOUT") || fail "window did not appear"

# wait_screen NAME waits for the client to log that it drew screen NAME.
wait_screen() {
	local deadline=$((SECONDS + STEP_TIMEOUT))
	until grep -q "msg=screen name=$1\$" "$log"; do
		kill -0 "$CLIENT_PID" 2>/dev/null || fail "the client exited before screen $1"
		((SECONDS < deadline)) || fail "screen $1 did not come within ${STEP_TIMEOUT}s"
		sleep 0.1
	done
}

# shoot FILE screenshots the window until the picture differs from the
# one before (the screen logged is drawn in a later frame) and stays the
# same for two shots 0.3s apart, then fails if it looks blank.
prev=''
shoot() {
	local file=$1 n=0 sum='' last='' i
	for ((i = 0; i < 40; i++)); do
		im_import -window "$window" "$file" || true
		sum=$(md5sum <"$file" 2>/dev/null | cut -d' ' -f1)
		[[ $sum != "$prev" && $sum == "$last" ]] && break
		last=$sum
		sleep 0.3
	done
	[[ $sum != "$prev" ]] || fail "$file shows the same picture as the screen before"
	n=$(colours "$file")
	((n > MIN_COLOURS)) || fail "$file looks blank: $n colours, want more than $MIN_COLOURS"
	prev=$sum
	echo "smoke: $file: $n colours"
}

wait_screen case_list
shoot bin/smoke-list.png
echo open >&3
wait_screen case
shoot bin/smoke-case.png
echo plan >&3
wait_screen plan_preview
shoot bin/smoke-plan.png
echo companies >&3
wait_screen company_list
shoot bin/smoke-companies.png
echo company >&3
wait_screen company
shoot bin/smoke-company.png

kill -0 "$CLIENT_PID" 2>/dev/null || fail "the client exited"
if grep -q 'Fyne error' "$log"; then
	echo "smoke: warning: the client logged Fyne errors:" >&2
	grep -A3 'Fyne error' "$log" | sed 's/^/  | /' >&2
fi
echo "smoke: ok in $((SECONDS - started))s: bin/smoke-list.png, bin/smoke-case.png, bin/smoke-plan.png, bin/smoke-companies.png, bin/smoke-company.png"
