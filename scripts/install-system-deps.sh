#!/usr/bin/env bash
# Debian packages the product and its tests need: Pango and fonts for WeasyPrint, Chromium
# for the browser tests, gettext for translations, Node.js for the stock WatermelonDB client of
# the sync tests, PostgreSQL (a primary and a streaming standby for the cluster tests and
# `make cluster`) and Redis (the shared cache of `make cluster`). Installs only what is missing.
set -euo pipefail
PACKAGES=(chromium wrk valgrind fonts-dejavu-core fonts-liberation libpango-1.0-0 libpangoft2-1.0-0 gettext sqlite3 curl poppler-utils postgresql redis-server)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A Node.js 18 or newer already on the PATH (however it was installed) serves; else Debian's.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    missing+=(nodejs npm)
fi
if [ ${#missing[@]} -eq 0 ]; then
    echo "System packages present."
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
echo "Installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
