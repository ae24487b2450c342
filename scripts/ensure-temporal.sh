#!/usr/bin/env bash
# Makes sure a Temporal CLI (which carries the dev server and its Web UI) is available, building it offline with Go
# into .tools/bin when neither PATH nor the cache has it. Idempotent: once cached it returns in well under a second.
# Prints the binary's path on stdout; anything else goes to stderr.
set -euo pipefail

want_version="v1.5.1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin_dir="$root/.tools/bin"
cached="$bin_dir/temporal"

module_version() {
  # `temporal --version` of a `go install` build says 0.0.0-DEV, so read the module version Go recorded instead.
  go version -m "$1" 2>/dev/null | awk '$1 == "mod" && $2 == "github.com/temporalio/cli" { print $3 }'
}

if [[ -x "$cached" ]]; then
  echo "$cached"
  exit 0
fi

if on_path="$(command -v temporal 2>/dev/null)"; then
  if "$on_path" server start-dev --help >/dev/null 2>&1; then
    echo "$on_path"
    exit 0
  fi
fi

if ! command -v go >/dev/null 2>&1; then
  echo "Temporal CLI not found and Go is not installed: install Go 1.22+ (or put a 'temporal' binary on PATH) and rerun." >&2
  exit 1
fi

echo "Building the Temporal CLI $want_version into .tools/bin (first run only, takes a few minutes)..." >&2
mkdir -p "$bin_dir"
GOBIN="$bin_dir" GOFLAGS="-mod=mod" go install "github.com/temporalio/cli/cmd/temporal@$want_version" >&2

got="$(module_version "$cached")"
if [[ "$got" != "$want_version" ]]; then
  echo "Built Temporal CLI reports module version '${got:-unknown}', expected $want_version; remove .tools/bin and retry." >&2
  rm -f "$cached"
  exit 1
fi
echo "Temporal CLI $want_version ready: $cached" >&2
echo "$cached"
