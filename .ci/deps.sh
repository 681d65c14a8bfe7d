#!/usr/bin/env bash
# deps.sh PROFILE — make sure the system packages Feltsag needs are present.
#
#   build  make, a C compiler and the X11/OpenGL headers Fyne's desktop driver links
#   test   build + Xvfb, x11-utils, ImageMagick, poppler-utils, qpdf and postgresql
#          (its system user "postgres" runs the tests' PostgreSQL when they run as root)
#   package  build + the mingw-w64 cross compiler for the Windows .exe and xz
#
# On Debian/Ubuntu it checks with dpkg first (fast when all is there), runs
# apt-get update once only if something is missing, and installs as root or
# through sudo. Otherwise it prints what to install by hand. Set
# FELTSAG_SKIP_DEPS=1 to skip the check (you installed equivalents yourself).
set -euo pipefail

profile=${1:-test}
build_pkgs=(make ca-certificates gcc libc6-dev pkg-config libgl1-mesa-dev libxcursor-dev libxrandr-dev
	libxinerama-dev libxi-dev libxxf86vm-dev)
test_pkgs=(xvfb x11-utils libgl1-mesa-dri imagemagick poppler-utils qpdf postgresql)
package_pkgs=(gcc-mingw-w64-x86-64 xz-utils)

case $profile in
build) pkgs=("${build_pkgs[@]}") ;;
test) pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
package) pkgs=("${build_pkgs[@]}" "${package_pkgs[@]}") ;;
*)
	echo "deps.sh: unknown profile '$profile' (want build, test or package)" >&2
	exit 2
	;;
esac

if [[ ${FELTSAG_SKIP_DEPS:-} == 1 ]]; then
	exit 0
fi

other_os() {
	case "$(uname -s)" in
	Darwin)
		cat <<-'EOF'
			deps: macOS is not checked automatically. You need:
			  xcode-select --install                 # C compiler and OpenGL for Fyne
			  brew install imagemagick poppler qpdf   # PDF and screenshot checks
			The Xvfb smoke test is Linux-only; `make smoke` needs XQuartz's Xvfb.
			See https://docs.fyne.io/started/ for Fyne's prerequisites.
		EOF
		;;
	MINGW* | MSYS* | CYGWIN*)
		cat <<-'EOF'
			deps: Windows is not checked automatically. Install a GCC toolchain
			(MSYS2 mingw-w64-x86_64-toolchain, see https://docs.fyne.io/started/)
			and, for the tests, ImageMagick, poppler and qpdf. The Xvfb smoke test
			is Linux-only.
		EOF
		;;
	*)
		echo "deps: not a Debian/Ubuntu system; install the equivalents of:"
		echo "  ${pkgs[*]}"
		;;
	esac
}

if ! command -v dpkg-query >/dev/null 2>&1; then
	other_os
	exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
if ((${#missing[@]} == 0)); then
	exit 0
fi

if ((EUID == 0)); then
	sudo=()
elif command -v sudo >/dev/null 2>&1 && { [[ -t 0 ]] || sudo -n true 2>/dev/null; }; then
	sudo=(sudo)
else
	echo "deps: missing Debian packages: ${missing[*]}" >&2
	echo "deps: not root and no sudo; install them by hand:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
	echo "deps: or set FELTSAG_SKIP_DEPS=1 if you provide them another way" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
