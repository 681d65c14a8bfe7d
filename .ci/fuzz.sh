#!/usr/bin/env bash
# fuzz.sh FUZZTIME — run every Fuzz* target in the module for FUZZTIME each.
#
# `go test -fuzz` takes one target per package and run, so this finds them
# (func FuzzXxx(f *testing.F) in *_test.go) and runs them one after another.
# New inputs that fail land in the package's testdata/fuzz/ for committing.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${1:-10s}
tags=${TAGS:-migrated_fynedo}

mapfile -t hits < <(grep -rE --include='*_test.go' -o '^func Fuzz[A-Za-z0-9_]*\(' \
	--exclude-dir=bin --exclude-dir=testdata --exclude-dir=.git . | sort)
if ((${#hits[@]} == 0)); then
	echo "fuzz: no fuzz targets yet"
	exit 0
fi

failed=0
for hit in "${hits[@]}"; do
	file=${hit%%:*}
	name=${hit#*:func }
	name=${name%(}
	pkg=./$(dirname "${file#./}")
	echo "fuzz: $pkg $name for $fuzztime"
	if ! go test -tags "$tags" -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$pkg"; then
		failed=$((failed + 1))
	fi
done
if ((failed > 0)); then
	echo "fuzz: $failed of ${#hits[@]} targets failed" >&2
	exit 1
fi
echo "fuzz: ${#hits[@]} targets ran for $fuzztime each, no failures"
