// The Plotly.js of the Tablero POA: plotly.js's core (scatter, cartesian axes, annotations,
// shapes, legend, modebar…) plus the other trace types the dashboard draws. Add a trace type
// here before a figure uses it, then run build.sh (the output's header lists what is here).
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),       // Cronograma (Gantt), semáforo bars, budget by partida
    require('plotly.js/lib/heatmap'),   // Historial: meta alcanzada per version
    require('plotly.js/lib/indicator'), // Metas gauges, Índice de Eficiencia
    require('plotly.js/lib/treemap'),   // Presupuesto drill-down
]);

module.exports = Plotly;
