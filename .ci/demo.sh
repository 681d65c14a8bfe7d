#!/usr/bin/env bash
# demo.sh — show Feltsag: check the rule scenarios, then open the client.
#
# With a display ($DISPLAY set) the client opens there and the demo ends
# when you close the window. Without one it starts Xvfb, runs the client
# there, saves a screenshot to bin/demo.png and keeps running until Ctrl-C.
# The server joins the demo when cmd/feltsagd can serve.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=.ci/client.sh
source .ci/client.sh
pin_locale

bin=bin/feltsag
shot=bin/demo.png

.ci/rules.sh -q || echo "demo: some rule scenarios failed (see above); opening the client anyway"

# The demo population and a printed plan: what exists until the server does.
seed=1 size=30
bin/feltsagd demo list --seed "$seed" --size "$size"
bin/feltsagd demo plan --seed "$seed" --size "$size" --citizen 1 --out bin/demo-plan.pdf
bin/feltsagd demo plan --seed "$seed" --size "$size" --citizen 23 --out bin/demo-aftale.pdf
echo "demo: plans for demo citizens 1 and 23 are in bin/demo-plan.pdf and bin/demo-aftale.pdf"

if [[ -n ${DISPLAY:-} ]]; then
	echo "demo: opening Feltsag on $DISPLAY; close the window to stop"
	exec "$bin"
fi

XVFB_PID='' CLIENT_PID=''
cleanup() {
	[[ -n $CLIENT_PID ]] && stop_pid "$CLIENT_PID"
	[[ -n $XVFB_PID ]] && stop_pid "$XVFB_PID"
}
trap cleanup EXIT
trap 'echo; echo "demo: stopping"; exit 0' INT TERM

start_xvfb
"$bin" &
CLIENT_PID=$!
wait_for_window Feltsag "$CLIENT_PID" 30 >/dev/null
for ((i = 0; i < 50; i++)); do
	im_import -window root "$shot" || true
	(($(colours "$shot") > 20)) && break
	sleep 0.2
done
echo "demo: no display, so Feltsag runs in Xvfb on $DISPLAY"
echo "demo: screenshot: $(pwd)/$shot"
echo "demo: press Ctrl-C to stop"
wait "$CLIENT_PID"
