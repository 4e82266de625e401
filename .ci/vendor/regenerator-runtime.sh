#!/usr/bin/env bash
# Writes assets/regenerator-runtime.js: regenerator-runtime 0.13.11 (MIT), minified with esbuild
# 0.28.2 (the one .ci/plotly-bundle pins), the one global that
# Dash's own bundles still need from the @babel/polyfill 7.12.1 they ship with (dcc's lazy
# components call regeneratorRuntime.mark/wrap). The dashboard leaves that 32 KiB polyfill out
# (dashboard/delivery.py): every browser it supports has the rest built in.
# Needs npm and the npm registry (or npm's cache); the app and its tests never do.
#   bash .ci/vendor/regenerator-runtime.sh [OUTPUT_FILE]
set -euo pipefail

VERSION=0.13.11
ESBUILD=0.28.2
SHA256=96a0a849ceb83d2cd717d775dc60ddb7c2384564f76a75d0d1e6849af04c2b8c  # of the npm tarball

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
output="$(realpath -m "${1:-$repo/assets/regenerator-runtime.js}")"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "regenerator-runtime@$VERSION" >/dev/null
echo "$SHA256  regenerator-runtime-$VERSION.tgz" | sha256sum --check --quiet
tar xzf "regenerator-runtime-$VERSION.tgz"
{
    printf '/*! regenerator-runtime %s (https://github.com/facebook/regenerator), MIT license.\n' "$VERSION"
    printf ' * Minified from the npm package by .ci/vendor/regenerator-runtime.sh. Do not edit.\n */\n'
    npx --yes "esbuild@$ESBUILD" package/runtime.js --minify --target=es2016 --legal-comments=none

} > "$output"
echo "$output: $(wc -c < "$output") bytes"
