#!/usr/bin/env bash
# Installs the Debian packages the test suite drives (idempotent: packages already present are not touched).
#   docker-compose     validates docker-compose.yml (`docker-compose config`) where no Docker engine runs
#   fonts-dejavu-core  the font metric charts are drawn with
#   chromium           the headless browser the settings page's tests drive (playwright-core, executablePath /usr/bin/chromium)
#   kubectl            validates deploy/kubernetes with `kubectl apply --dry-run=client`
set -euo pipefail

wanted=(docker-compose fonts-dejavu-core chromium kubectl)
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]] && ! command -v sudo >/dev/null; then
  echo "missing Debian packages: ${missing[*]}; install them with apt-get (needs root)" >&2
  exit 1
fi
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
echo "Installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
as_root apt-get update -qq >&2
as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
