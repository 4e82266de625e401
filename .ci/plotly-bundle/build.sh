#!/usr/bin/env bash
# Builds assets/plotly-tablero.min.js: plotly.js (the version pinned in package.json, the one
# inside the Python package plotly) with only the trace types the dashboard draws (entry.js).
# Dash serves it from assets/, so dcc.Graph never loads the full plotly.min.js.
# Needs node and npm, and the npm registry (or npm's cache); the app and its tests never do.
# The pinned packages are installed with `npm ci` into a temporary folder removed at the end.
# Same inputs, same bytes: run it twice and compare.
#   bash .ci/plotly-bundle/build.sh [OUTPUT_FILE]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
output="$(realpath -m "${1:-$repo/assets/plotly-tablero.min.js}")"

# The bundle must be the Python package's plotly.js: its figures follow that schema.
pinned="$(node -p "require('$here/package.json').devDependencies['plotly.js']")"
python="$repo/.venv/bin/python"
if [ -x "$python" ]; then
    expected="$("$python" -c 'from plotly.offline import get_plotlyjs_version as v; print(v())')"
    if [ "$expected" != "$pinned" ]; then
        echo "The Python package plotly carries plotly.js $expected; package.json pins $pinned." >&2
        echo "Pin plotly.js $expected in package.json, refresh package-lock.json, rebuild." >&2
        exit 1
    fi
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$here/entry.js" "$here/build.mjs" "$work/"
cd "$work"
# --ignore-scripts: no install script of the packages runs (esbuild's binary comes from its
# platform package). plotly.js 4 asks for node >= 22 for its own tooling: npm warns
# (EBADENGINE), and node 20 bundles it all the same.
npm ci --ignore-scripts --no-audit --no-fund
node build.mjs "$output"
