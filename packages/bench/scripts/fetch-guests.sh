#!/usr/bin/env bash
# fetch-guests.sh DIR PKG...
#
# Download Debian sid riscv64 packages with a private apt state (the host's apt set-up
# is only read, for the archive's address, never changed) and extract them into
# DIR/sysroot. Shipped in @wasmu/bench (`wasmu-bench fetch` runs it); the repository's
# scripts/fetch-guests.sh calls this file.
#
#   DIR/apt/        private apt state: sources.list, lists, status, archives
#   DIR/debs/       the downloaded .deb files (one per package; kept as the cache)
#   DIR/sysroot/    the extracted packages, with lib, bin and sbin -> usr/* links
#   DIR/packages.tsv  one line per package present: name, version, architecture, file
#
# Idempotent: a package whose .deb is already in DIR/debs is neither downloaded nor
# extracted again; the package index is fetched once (set FETCH_GUESTS_UPDATE=1 to
# refresh it, which also lets newer versions of new packages be chosen).
# Packages are named explicitly; with FETCH_GUESTS_DEPS=1 their dependencies (Depends
# and Pre-Depends, recursively) are fetched too. FETCH_GUESTS_SEARCH=REGEX prints the
# names of the packages matching REGEX (e.g. '^linux-binary-[0-9].*-riscv64$' for the
# kernel) instead of fetching; FETCH_GUESTS_PRINT_APTOPTS=1 prints the apt options of
# the private state, for other apt-get and apt-cache commands.
#
# The archive: $FETCH_GUESTS_MIRROR when set (a Debian archive URI, the part before
# /dists), else the first Debian archive this machine's apt is configured with: the
# URIs: of /etc/apt/sources.list.d/*.sources, then the deb lines of /etc/apt/sources.list
# and sources.list.d/*.list (security archives left out; FETCH_GUESTS_APT_DIR names
# another directory than /etc/apt). FETCH_GUESTS_PRINT_MIRROR=1 prints the choice.
#
# Needs apt-get and dpkg-deb (any Debian or Ubuntu host) and network access to that
# archive. Exit status: 0 when every package is present, 1 otherwise.
set -euo pipefail

if [[ $# -lt 1 || "$1" == "-h" || "$1" == "--help" ]]; then
  sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2
  exit 2
fi

dir=$1
shift
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

for tool in apt-get dpkg-deb; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "fetch-guests: $tool not found (a Debian or Ubuntu host is needed)" >&2
    exit 1
  fi
done

# The first non-security archive URI of the apt configuration under $1 (deb822 .sources
# first, then one-line .list files); prints nothing when there is none.
apt_archive() {
  local etc=$1 f
  for f in "$etc"/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    # One stanza per paragraph: Types, URIs and Suites; keep deb stanzas whose URIs and
    # Suites are not a security archive.
    awk '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && uris != "" && suites !~ /-security/ && uris !~ /security/) { split(uris, u, " "); print u[1]; found = 1; exit }
        types = ""; uris = ""; suites = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      tolower($1) == "types:" { sub(/^[^:]*:[ \t]*/, ""); types = $0 }
      tolower($1) == "uris:" { sub(/^[^:]*:[ \t]*/, ""); uris = $0 }
      tolower($1) == "suites:" { sub(/^[^:]*:[ \t]*/, ""); suites = $0 }
      END { if (!found) flush() }
    ' "$f" | head -n 1 | grep . && return 0
  done
  for f in "$etc/sources.list" "$etc"/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    # deb [options] URI SUITE COMPONENT...
    sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" && $2 !~ /security/ && $3 !~ /-security/ { print $2; exit }' | grep . && return 0
  done
  return 0
}

mirror=${FETCH_GUESTS_MIRROR:-$(apt_archive "${FETCH_GUESTS_APT_DIR:-/etc/apt}")}
mirror=${mirror%/}
if [[ -z $mirror ]]; then
  echo "fetch-guests: no Debian archive in ${FETCH_GUESTS_APT_DIR:-/etc/apt} (sources.list.d/*.sources, sources.list); set FETCH_GUESTS_MIRROR to one" >&2
  exit 1
fi
if [[ ${FETCH_GUESTS_PRINT_MIRROR:-0} == 1 ]]; then
  echo "$mirror"
  exit 0
fi
apt=$dir/apt
mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$dir/debs" "$dir/sysroot"
echo "deb [arch=riscv64 trusted=yes] $mirror sid main" >"$apt/sources.list"
touch "$apt/status"

aptopts=(
  -o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$apt/lists" -o "Dir::State::status=$apt/status"
  -o "APT::Architecture=riscv64" -o "APT::Architectures::=riscv64"
  -o "Dir::Cache::Archives=$apt/archives" -o "Debug::NoLocking=1"
)
# As root, apt drops to the _apt user for downloads, which cannot write to DIR.
if [[ $(id -u) == 0 ]]; then aptopts+=(-o "APT::Sandbox::User=root"); fi
if [[ ${FETCH_GUESTS_PRINT_APTOPTS:-0} == 1 ]]; then
  printf '%q ' "${aptopts[@]}"
  echo
  exit 0
fi

# The package index: once, or again on request.
if [[ ${FETCH_GUESTS_UPDATE:-0} == 1 ]] || ! compgen -G "$apt/lists/*_Packages*" >/dev/null; then
  echo "fetch-guests: apt-get update (Debian sid riscv64 from $mirror)" >&2
  apt-get "${aptopts[@]}" -q update >&2
fi

# Search mode: print the names of the packages matching a regular expression.
if [[ -n ${FETCH_GUESTS_SEARCH:-} ]]; then
  apt-cache "${aptopts[@]}" search --names-only "$FETCH_GUESTS_SEARCH" | cut -d' ' -f1 | sort -V
  exit 0
fi

packages=("$@")
if [[ ${FETCH_GUESTS_DEPS:-0} == 1 && ${#packages[@]} -gt 0 ]]; then
  # Virtual packages print as <name> and have no .deb of their own: left out.
  mapfile -t packages < <(apt-cache "${aptopts[@]}" depends --recurse --no-recommends --no-suggests \
    --no-conflicts --no-breaks --no-replaces --no-enhances "${packages[@]}" | grep -v '^ ' | grep -v '^<' | sort -u)
  echo "fetch-guests: with dependencies: ${packages[*]}" >&2
fi

status=0
for pkg in "${packages[@]}"; do
  existing=$(compgen -G "$dir/debs/${pkg}_*.deb" | head -n 1 || true)
  if [[ -z $existing ]]; then
    echo "fetch-guests: downloading $pkg" >&2
    if ! (cd "$dir/debs" && apt-get "${aptopts[@]}" -q download "$pkg" >&2); then
      echo "fetch-guests: could not download $pkg" >&2
      status=1
      continue
    fi
    existing=$(compgen -G "$dir/debs/${pkg}_*.deb" | head -n 1 || true)
    if [[ -z $existing ]]; then
      echo "fetch-guests: $pkg downloaded under an unexpected file name" >&2
      status=1
      continue
    fi
  fi
  stamp=$dir/sysroot/.extracted/$(basename "$existing")
  if [[ ! -e $stamp ]]; then
    dpkg-deb -x "$existing" "$dir/sysroot"
    mkdir -p "$dir/sysroot/.extracted"
    touch "$stamp"
  fi
done

# Merged-/usr links, as on a real riscv64 Debian.
for d in lib bin sbin; do
  if [[ ! -e $dir/sysroot/$d && ! -L $dir/sysroot/$d ]]; then
    ln -s "usr/$d" "$dir/sysroot/$d"
  fi
done

# The versions of everything in the cache, for reports.
tmp=$dir/packages.tsv.tmp
: >"$tmp"
for f in "$dir"/debs/*.deb; do
  [[ -e $f ]] || continue
  printf '%s\t%s\t%s\t%s\n' \
    "$(dpkg-deb -f "$f" Package)" "$(dpkg-deb -f "$f" Version)" "$(dpkg-deb -f "$f" Architecture)" "$(basename "$f")" >>"$tmp"
done
sort -o "$tmp" "$tmp"
mv "$tmp" "$dir/packages.tsv"

exit $status
