#!/usr/bin/env bash
# demo.sh — show Feltsag: check the rule scenarios, start a demo server and
# open the client signed in as its first demo caseworker.
#
# The server is `feltsagd serve --demo` on a free loopback port with its
# ledger in a temporary folder; the client gets a fresh data folder too,
# so every demo starts with a first sign-in and a first sync. The demo
# caseworker's password goes to the client in FELTSAG_DEMO_PASSWORD (the
# environment, not the command line) and is never printed.
#
# With a display ($DISPLAY set) the client opens there and the demo ends
# when you close the window. Without one it starts Xvfb, runs the client
# there, saves a screenshot of the case list to bin/demo.png and keeps
# running until Ctrl-C. Either way the server stops with the client.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=.ci/client.sh
source .ci/client.sh
pin_locale

bin=bin/feltsag
server=bin/feltsagd
shot=bin/demo.png
size=${DEMO_SIZE:-200}
mkdir -p bin

.ci/rules.sh -q || echo "demo: some rule scenarios failed (see above); opening the client anyway"

# A printed plan, as before the client can print one itself.
"$server" demo plan --seed 1 --size 30 --citizen 1 --out bin/demo-plan.pdf
echo "demo: a printed plan for demo citizen 1 is in bin/demo-plan.pdf"

tmp=$(mktemp -d)
XVFB_PID='' CLIENT_PID='' SERVER_PID=''
cleanup() {
	[[ -n $CLIENT_PID ]] && stop_pid "$CLIENT_PID"
	[[ -n $SERVER_PID ]] && stop_pid "$SERVER_PID"
	[[ -n $XVFB_PID ]] && stop_pid "$XVFB_PID"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo; echo "demo: stopping"; exit 0' INT TERM

# The server prints its address and the demo accounts
# ("  <user>  demo-<user>  <name> (<organisation>)") on stdout.
mkdir -p "$tmp/server"
"$server" serve --demo -demo-size "$size" -demo-dir "$tmp/server" -addr 127.0.0.1:0 >"$tmp/server.out" 2>bin/demo-server.log &
SERVER_PID=$!
addr=''
for ((i = 0; i < 300; i++)); do
	addr=$(sed -n 's|.*lytter på ws://\([0-9.:]*\)/v1/sync.*|\1|p' "$tmp/server.out" | head -n 1)
	[[ -n $addr ]] && break
	kill -0 "$SERVER_PID" 2>/dev/null || { cat "$tmp/server.out" bin/demo-server.log >&2; echo "demo: the server stopped" >&2; exit 1; }
	sleep 0.1
done
[[ -n $addr ]] || { echo "demo: the server printed no address within 30s" >&2; exit 1; }
# The first caseworker: the first account line after the admin's.
user=$(awk '$2 ~ /^demo-/ && $1 != "admin" { print $1; exit }' "$tmp/server.out")
[[ -n $user ]] || { echo "demo: the server printed no demo caseworker" >&2; exit 1; }
grep '^demodata' "$tmp/server.out" || true
echo "demo: server on http://$addr (log: bin/demo-server.log); signing in as $user"

# client execs the client, so that in a subshell (&, or parentheses) the
# pid is the client's own and the EXIT trap still stops the server.
client() {
	FELTSAG_DEMO_PASSWORD="demo-$user" exec "$bin" -server "http://$addr" -user "$user" -data "$tmp/client" "$@"
}

if [[ -n ${DISPLAY:-} ]]; then
	echo "demo: opening Feltsag on $DISPLAY; close the window to stop"
	(client 2>bin/demo-client.log) || true
	exit 0
fi

start_xvfb
(client 2>bin/demo-client.log) &
CLIENT_PID=$!
wait_for_window Feltsag "$CLIENT_PID" 60 >/dev/null
# Wait for the case list (the client logs each screen it shows), then for a
# frame with content.
for ((i = 0; i < 600; i++)); do
	grep -q 'msg=screen name=main' bin/demo-client.log && break
	kill -0 "$CLIENT_PID" 2>/dev/null || { cat bin/demo-client.log >&2; echo "demo: the client stopped" >&2; exit 1; }
	sleep 0.1
done
grep -q 'msg=screen name=main' bin/demo-client.log || echo "demo: the case list did not appear within 60s; screenshot anyway" >&2
sleep 1 # the list is read and drawn after the screen is shown
for ((i = 0; i < 50; i++)); do
	im_import -window root "$shot" || true
	(($(colours "$shot") > 20)) && break
	sleep 0.2
done
echo "demo: no display, so Feltsag runs in Xvfb on $DISPLAY"
echo "demo: screenshot: $(pwd)/$shot"
echo "demo: press Ctrl-C to stop"
wait "$CLIENT_PID"
