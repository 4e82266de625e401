// Bundles entry.js (plotly.js core + the trace types the dashboard draws) into one minified
// classic script that defines window.Plotly, with a header naming what it holds and how it was
// built. Run through build.sh, which installs the pinned packages first.
// Usage: node build.mjs OUTPUT_FILE
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, 'package.json'));
// The version pinned in package.json; build.sh checks it is the Python package plotly's own.
const PLOTLY_VERSION = require('./package.json').devDependencies['plotly.js'];
// The trace modules entry.js registers, and scatter, which comes with the core.
const entry = readFileSync(path.join(here, 'entry.js'), 'utf8');
const TRACES = [...entry.matchAll(/require\('plotly\.js\/lib\/(\w+)'\)/g)]
    .map(m => m[1]).filter(name => name !== 'core').concat('scatter').sort();

const output = process.argv[2];
if (!output) {
    console.error('usage: node build.mjs OUTPUT_FILE');
    process.exit(2);
}
const installed = require('plotly.js/package.json').version;
if (installed !== PLOTLY_VERSION) {
    console.error(`plotly.js ${installed} is installed, ${PLOTLY_VERSION} expected`);
    process.exit(1);
}

// The options plotly.js's own esbuild-config.js uses for its dist bundles, minus the plugins
// only its map and WebGL traces need (CSS inlining for maplibre, GLSL shaders).
const result = await esbuild.build({
    absWorkingDir: here,
    entryPoints: ['entry.js'],
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'Plotly',
    platform: 'browser',
    target: 'es2016',
    define: { global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false' },
    // The only CSS plotly.js requires is maplibre's, for map traces that are not in the bundle.
    loader: { '.css': 'empty' },
    legalComments: 'eof',
    charset: 'utf8',
    write: false,
    outfile: 'plotly-tablero.min.js',
    logLevel: 'warning',
});

const header = `/*! plotly.js v${PLOTLY_VERSION} (https://github.com/plotly/plotly.js)
 * Copyright 2012-2026, Plotly, Inc. Licensed under the MIT license.
 * Partial bundle for Tablero POA. Trace types: ${TRACES.join(', ')}.
 * Built by .ci/plotly-bundle/build.sh from the npm packages pinned in
 * .ci/plotly-bundle/package-lock.json (plotly.js ${installed}, esbuild ${esbuild.version}):
 * plotly.js/lib/core plus the trace modules listed in .ci/plotly-bundle/entry.js. Do not edit.
 */
`;
const code = result.outputFiles[0].text;
writeFileSync(output, header + code + 'window.Plotly = Plotly;\n');
console.log(`${output}: ${readFileSync(output).length} bytes`);
