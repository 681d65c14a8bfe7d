# shellcheck shell=bash
# client.sh — run the desktop client headless: helpers shared by smoke.sh
# and demo.sh. Source it, do not run it.

# pin_locale sets LANG=da_DK.UTF-8 when the locale is C or POSIX: Fyne cannot
# parse those as a language and logs an error (the Makefile pins LANG too;
# this covers running the scripts directly).
pin_locale() {
	case ${LC_ALL:-${LC_MESSAGES:-${LANG:-C}}} in
	C | C.* | POSIX)
		# bash warns that it cannot switch its own locale when da_DK is
		# not installed; only Fyne needs the value.
		{
			unset LC_ALL LC_MESSAGES LANGUAGE
			export LANG=da_DK.UTF-8
		} 2>/dev/null
		;;
	esac
}

# start_xvfb starts Xvfb on a free display and exports DISPLAY. Xvfb picks
# the display itself (-displayfd), so two runs on one machine never collide
# and a locked :99 is simply skipped. Xvfb runs in its own session so that
# Ctrl-C reaches the client only; the caller stops Xvfb after the client has
# let go of the display. Sets XVFB_PID.
start_xvfb() {
	local dir
	dir=$(mktemp -d)
	setsid Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$dir/display" 2>"$dir/xvfb.log" &
	XVFB_PID=$!
	for ((i = 0; i < 100; i++)); do
		if [[ -s $dir/display ]]; then
			DISPLAY=:$(head -n 1 "$dir/display")
			export DISPLAY
			rm -rf "$dir"
			return 0
		fi
		if ! kill -0 "$XVFB_PID" 2>/dev/null; then
			echo "Xvfb failed to start:" >&2
			cat "$dir/xvfb.log" >&2
			return 1
		fi
		sleep 0.1
	done
	echo "Xvfb did not report a display within 10s" >&2
	return 1
}

# wait_for_window NAME PID SECONDS prints the X id of the first window titled
# NAME, polling until it exists; fails if PID exits or time runs out.
wait_for_window() {
	local name=$1 pid=$2 deadline=$((SECONDS + $3)) id
	while ((SECONDS < deadline)); do
		id=$(xwininfo -root -tree 2>/dev/null | awk -v n="\"$name\":" '$2 == n { print $1; exit }')
		if [[ -n $id ]]; then
			echo "$id"
			return 0
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "the client exited before its window appeared" >&2
			return 1
		fi
		sleep 0.2
	done
	echo "no window titled '$name' within $3s" >&2
	return 1
}

# im runs an ImageMagick tool: `magick TOOL` on ImageMagick 7, where the
# bare names are deprecated, the bare name on ImageMagick 6 (Debian 12).
im() {
	if command -v magick >/dev/null 2>&1; then
		magick "$@"
	else
		"$@"
	fi
}

# im_import takes a screenshot: im_import -window ID|root FILE.
im_import() {
	im import "$@" 2>/dev/null
}

# colours prints the number of distinct colours in an image, 0 if unreadable.
colours() {
	if command -v magick >/dev/null 2>&1; then
		magick "$1" -format %k info: 2>/dev/null || echo 0
	else
		convert "$1" -format %k info: 2>/dev/null || echo 0
	fi
}

# stop_pid ends a process we started: SIGTERM, then SIGKILL after 5s.
stop_pid() {
	local pid=$1
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}
