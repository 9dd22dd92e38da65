#!/usr/bin/env bash
# Lints .github/workflows/*.yml with actionlint (https://github.com/rhysd/actionlint).
# Installs it with `go install` from the Go module proxy on first use, cached under
# ${POLYSTORE_CACHE:-$HOME/.cache/polystore}/go/bin; CI calls this script.
#
#   bash scripts/actionlint.sh [actionlint args...]
#   ACTIONLINT_VERSION=latest bash scripts/actionlint.sh   # another version (default: v1.7.12, @latest on 2026-11-22)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${POLYSTORE_CACHE:-$HOME/.cache/polystore}"
version="${ACTIONLINT_VERSION:-v1.7.12}"
bin_dir="$cache/go/bin"
bin="$bin_dir/actionlint-$version"

if [ ! -x "$bin" ]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "actionlint.sh: Go is needed to install actionlint $version (https://go.dev/dl/), or put actionlint at $bin" >&2
    exit 2
  fi
  echo "actionlint.sh: installing actionlint $version into $bin_dir" >&2
  mkdir -p "$bin_dir"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  # A private GOBIN, so a half-finished install never leaves a broken cached binary.
  GOBIN="$tmp" go install "github.com/rhysd/actionlint/cmd/actionlint@$version"
  mv "$tmp/actionlint" "$bin"
fi

cd "$root"
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [ "${#workflows[@]}" -eq 0 ]; then
  echo "actionlint.sh: no workflow files under .github/workflows" >&2
  exit 2
fi
version_text=$("$bin" -version) # captured: `| head` under pipefail can fail on SIGPIPE
printf '%s\n' "${version_text%%$'\n'*}" >&2
exec "$bin" "$@" "${workflows[@]}"
