#!/usr/bin/env bash
# Install everything the tests need and run them all: ./tests/run.sh [pytest args]
# - a virtualenv in .venv with the project and its test extra;
# - Debian's chromium + chromium-driver (browser tests) and postgresql (database tests) when missing;
#   poppler-utils (pdftotext, pdftoppm, pdfinfo) and fonts-dejavu-core for the PDF report.
# The PostgreSQL server itself is started by the test session in a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)  # the PDF report tests
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)  # PDF fonts
if [ ${#need[@]} -gt 0 ]; then
  echo "Instalando paquetes de Debian: ${need[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
