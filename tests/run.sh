#!/usr/bin/env bash
# Install everything the tests need and run them all: ./tests/run.sh [pytest args]
# - a virtualenv in .venv with the project and its test extra, at the versions of .ci/constraints.txt;
# - what the tests use from the system, looked for first on PATH and in the usual places:
#   Chromium and ChromeDriver (browser tests), PostgreSQL's initdb (database tests), pdftotext and
#   pdftoppm (PDF report tests), the DejaVu fonts (the PDF report). Only what is missing is
#   installed, with apt-get; without apt-get the script says what to install and stops.
# The PostgreSQL server itself is started by the test session in a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."

first() {  # the first existing executable among the arguments (names on PATH or paths, globs)
  local candidate
  for candidate in "$@"; do
    if [[ "$candidate" == */* ]]; then
      for path in $candidate; do [ -x "$path" ] && { echo "$path"; return 0; }; done
    elif command -v "$candidate" >/dev/null 2>&1; then
      command -v "$candidate"; return 0
    fi
  done
  return 1
}
find_chromium() { first chromium chromium-browser google-chrome /usr/lib/chromium/chromium /snap/bin/chromium; }
find_driver() { first chromedriver /usr/lib/chromium/chromedriver /usr/lib/chromium-browser/chromedriver; }
find_initdb() { first initdb '/usr/lib/postgresql/*/bin/initdb' /usr/local/pgsql/bin/initdb '/usr/pgsql-*/bin/initdb'; }
find_pdftotext() { first pdftotext; }
find_fonts() {
  local dir
  for dir in /usr/share/fonts/truetype/dejavu /usr/share/fonts/dejavu-sans-fonts /usr/share/fonts/dejavu \
             /usr/share/fonts/TTF /usr/local/share/fonts; do
    [ -f "$dir/DejaVuSans.ttf" ] && { echo "$dir"; return 0; }
  done
  return 1
}

missing() {  # Debian package names of what is not found
  local need=()
  find_chromium >/dev/null || need+=(chromium)
  find_driver >/dev/null || need+=(chromium-driver)
  find_initdb >/dev/null || need+=(postgresql)
  find_pdftotext >/dev/null || need+=(poppler-utils)
  find_fonts >/dev/null || need+=(fonts-dejavu-core)
  echo "${need[*]}"
}

need="$(missing)"
if [ -n "$need" ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "Instalando paquetes de Debian: $need"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need
  else
    echo "Faltan programas para las pruebas; instale con el gestor de paquetes de su sistema" \
         "(nombres de Debian): $need." >&2
    exit 1
  fi
fi

# Where the tests find them (tests/browser.py, tests/pg.py).
POA_TEST_CHROMIUM="$(find_chromium)"
POA_TEST_CHROMEDRIVER="$(find_driver)"
POA_TEST_PG_BIN="$(dirname "$(find_initdb)")"
export POA_TEST_CHROMIUM POA_TEST_CHROMEDRIVER POA_TEST_PG_BIN

python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -c .ci/constraints.txt -e '.[test]'
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
