/* Functions the AG Grids of the tablero name in their options (dashboard/grid.py). dash-ag-grid
   reads `{"function": "name(params)"}` with its own expression reader and finds the names here:
   nothing runs through eval, which the Content-Security-Policy forbids. */
(function () {
  "use strict";
  const FORMULA_START = /^[=+\-@\t\r]/;

  window.dashAgGridFunctions = Object.assign(window.dashAgGridFunctions || {}, {
    // CSV export: a text a spreadsheet would run as a formula gets a leading apostrophe (the
    // rule of dashboard.exports.escape_cell); numbers stay numbers.
    escapeCsvCell(params) {
      const value = params.value;
      return typeof value === "string" && FORMULA_START.test(value) ? "'" + value : value;
    },
    // Text filters ignore case and accents: «vacio» finds «Vacío».
    foldText(params) {
      const value = params == null ? params : params.value !== undefined ? params.value : params;
      return value == null ? null : String(value).normalize("NFD")
        .replace(/[\u0300-\u036f]/g, "").toLowerCase();
    },
  });

  window.dashAgGridComponentFunctions = Object.assign(
    window.dashAgGridComponentFunctions || {}, {
      // A cell's words, then a small muted note from another field of the row
      // (`cellRendererParams: {noteField: "codigo"}`): a finding's Spanish title, then its code.
      TextWithNote(props) {
        const h = React.createElement;
        const note = props.data ? props.data[props.noteField] : null;
        return h("span", {className: "grid-text-with-note"},
          h("span", {className: "grid-text"}, props.value),
          note ? h("code", {className: "grid-note"}, note) : null);
      },
    });
})();
