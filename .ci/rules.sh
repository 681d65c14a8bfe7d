#!/usr/bin/env bash
# rules.sh — run every rule scenario with `feltsagd rules check` (the
# language lives in app/scenario; docs/rules.md describes it): one line
# per scenario and a closing "N passed, M failed"; non-zero if any failed.
set -euo pipefail
cd "$(dirname "$0")/.."
go run -tags "${TAGS:-migrated_fynedo}" ./cmd/feltsagd rules check "$@" assets/rules/scenarios/*
