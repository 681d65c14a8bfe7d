#!/usr/bin/env bash
# package.sh — build the desktop client's release packages into dist/:
#
#   dist/Feltsag-<version>-linux-amd64.tar.xz   `fyne package -os linux`: the
#       binary, the desktop file and the icon, with a Makefile that installs
#       them (`sudo make install` inside the unpacked folder; `make user-install`
#       for one user)
#   dist/Feltsag-<version>-windows-amd64.exe    cross-compiled with mingw-w64,
#       with the icon, version info and manifest `fyne package -os windows`
#       embeds (a GUI program: no console window)
#
# The fyne tool is pinned (fyne.io/tools, fetched through the Go module proxy
# on first use, like staticcheck). Metadata comes from FyneApp.toml; the
# Windows build needs x86_64-w64-mingw32-gcc (Debian: gcc-mingw-w64-x86-64,
# installed by `.ci/deps.sh package`). macOS: see the README (it must be built
# on a Mac: Apple's SDK cannot be cross-compiled to here).
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
tags=migrated_fynedo
toml() { sed -n "s/^$1 *= *\"\{0,1\}\([^\"]*\)\"\{0,1\}$/\1/p" FyneApp.toml | head -1; }
version=$(toml Version)
build=$(toml Build)
name=$(toml Name)
id=$(toml ID)
icon=$PWD/$(toml Icon)
[[ -n $version && -n $name && -n $id && -f $icon ]] || {
	echo "package: FyneApp.toml lacks Version, Name, ID or Icon" >&2
	exit 1
}

mkdir -p dist bin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The packager is built for this machine once (go run would build it for
# GOOS=windows in the cross-compiling step below).
GOBIN=$work/tools $GO install fyne.io/tools/cmd/fyne@v1.7.4
FYNE=("$work/tools/fyne")

echo "package: linux/amd64"
$GO build -tags $tags -trimpath -ldflags "-s -w -X main.version=$version" -o "$work/feltsag" ./cmd/feltsag
# The tool runs in the main package's folder (it wants Go code there) and
# gets the metadata as flags: in the root it would rewrite FyneApp.toml
# (a release bumps Build and drops the comments). It names the archive
# after the app.
(cd cmd/feltsag && "${FYNE[@]}" package --os linux --exe "$work/feltsag" --name "$name" --icon "$icon" \
	--app-id "$id" --app-version "$version" --app-build "$build" --release >/dev/null)
mv "cmd/feltsag/$name.tar.xz" "dist/$name-$version-linux-amd64.tar.xz"

echo "package: windows/amd64"
command -v x86_64-w64-mingw32-gcc >/dev/null || {
	echo "package: x86_64-w64-mingw32-gcc not found: run .ci/deps.sh package (Debian: gcc-mingw-w64-x86-64)" >&2
	exit 1
}
# fyne package -os windows writes a resource file (icon, version, manifest)
# into the main package's folder and rebuilds there; GOFLAGS carries our
# version into its go build.
(cd cmd/feltsag && CC=x86_64-w64-mingw32-gcc CGO_ENABLED=1 GOOS=windows GOARCH=amd64 \
	GOFLAGS="-ldflags=-X=main.version=$version" \
	"${FYNE[@]}" package --os windows --name "$name" --icon "$icon" --app-id "$id" \
	--app-version "$version" --app-build "$build" --tags $tags --release >/dev/null)
mv "cmd/feltsag/$name.exe" "dist/$name-$version-windows-amd64.exe"

ls -l dist/
