#!/usr/bin/env bash
# release.sh [--dry-run]
#
# Releases every @wasmu package (they move together: the `fixed` group of
# .changeset/config.json): `changeset version` folds the pending changesets into versions
# and CHANGELOG.md files, then the tree is built and tested, then `changeset publish`
# publishes what npm does not have yet (pnpm packs each package: prepack builds it, and
# workspace:* becomes the version). The versioned files are left for you to commit and tag.
#
# --dry-run does the same in a temporary git worktree of HEAD (with the working tree's
# uncommitted changesets copied in), packs instead of publishing, and removes the
# worktree: the check that a release would work, with every test green after the bump.
# Needs a clean HEAD build environment: pnpm, and the store `pnpm install` filled.
set -euo pipefail
cd "$(dirname "$0")/.."

dry=0
if [[ ${1:-} == "--dry-run" ]]; then dry=1; shift; fi
if [[ $# -gt 0 ]]; then
  sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2
  exit 2
fi

if [[ $dry == 1 ]]; then
  wt=$(mktemp -d "${TMPDIR:-/tmp}/wasmu-release-XXXXXX")
  trap 'git worktree remove --force "$wt" >/dev/null 2>&1 || true; rm -rf "$wt"' EXIT
  git worktree add --detach "$wt" HEAD >/dev/null
  cp .changeset/*.md "$wt/.changeset/"
  cd "$wt"
  echo "release --dry-run: in $wt" >&2
  pnpm install --frozen-lockfile --prefer-offline >/dev/null
fi

before=$(node -p 'require("./packages/cli/package.json").version')
pnpm exec changeset version
after=$(node -p 'require("./packages/cli/package.json").version')
echo "release: $before -> $after" >&2
pnpm build
pnpm test

if [[ $dry == 1 ]]; then
  out=$(mktemp -d "${TMPDIR:-/tmp}/wasmu-release-packs-XXXXXX")
  for p in packages/*/; do
    if [[ $(node -p "require('./${p}package.json').private === true") == true ]]; then continue; fi
    (cd "$p" && pnpm pack --pack-destination "$out" >/dev/null)
  done
  echo "release --dry-run: $after would be published; the tarballs are in $out:" >&2
  ls "$out" >&2
  exit 0
fi

pnpm exec changeset publish
echo "release: published $after; commit the versioned files and push the tags (git push --follow-tags)" >&2
