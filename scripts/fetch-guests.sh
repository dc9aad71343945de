#!/usr/bin/env bash
# fetch-guests.sh DIR PKG...: the repository's name for @wasmu/bench's fetch script
# (packages/bench/scripts/fetch-guests.sh, shipped in the package); see its header.
exec bash "$(dirname "$0")/../packages/bench/scripts/fetch-guests.sh" "$@"
