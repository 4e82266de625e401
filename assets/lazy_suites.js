/* Component libraries the index page leaves out (dashboard/delivery.py, LAZY_SUITES).

   AG Grid is only on Calidad, so its 1.3 MB bundle is fetched the first time a page shows a
   grid, whether that page is the first one opened or one reached from the navbar. Until then
   window.<library> is a stand-in: each of its components fetches the bundle (once), then draws
   the library's own component with the same props. The bundle's own `window.<library> = …`
   lands in a setter that keeps the stand-ins (so React never swaps the component under a grid
   already drawn) beside the library's other functions (getApi…). Dash's callbacks that touch
   one of these components wait for the bundle, as they wait for dcc.Graph
   (`_dashprivate_isLazyComponentReady`).

   Mantine ("onUse") waits longer: its date inputs are read far more often than changed. Until
   someone presses one, each is a plain button showing its date («01/12/2026»), labelled like
   the real one; pressing it fetches the bundle, draws Mantine's DatePickerInput (inside the
   MantineProvider and DatesProvider it needs, with the options the server sends) and opens
   its calendar. Callbacks never wait for it: the value is in the layout already.

   The addresses and options come from the server in <meta name="tablero-lazy-suites">. */
(function () {
  "use strict";
  const meta = document.querySelector('meta[name="tablero-lazy-suites"]');
  if (!meta) {
    return;
  }
  const suites = JSON.parse(meta.content);
  const FROM_LIBRARY = ["dashPersistence", "dashChildrenUpdate", "propTypes"];

  // "2026-12-01" in Mantine's valueFormat ("DD/MM/YYYY"): the text the real input shows.
  function formatDate(value, format) {
    const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value || "");
    if (!match) {
      return "";
    }
    return (format || "DD/MM/YYYY").replace("YYYY", match[1]).replace("MM", match[2])
      .replace("DD", match[3]);
  }

  function defer(name, suite) {
    if (window[name]) {
      return;  // already on the page
    }
    const options = suite.options || {};
    let library = null;
    let loading = null;
    const standIns = {};

    function load() {
      if (!loading) {
        loading = new Promise(function (resolve, reject) {
          const script = document.createElement("script");
          script.src = suite.src;
          script.onload = function () {
            if (library) {
              resolve(library);
            } else {
              reject(new Error(name + ": el archivo no definió la biblioteca"));
            }
          };
          script.onerror = function () {
            loading = null;  // a later page may try again
            script.remove();
            reject(new Error(name + ": no se pudo descargar " + suite.src));
          };
          document.head.appendChild(script);
        });
      }
      return loading;
    }

    // The library's own component; Mantine's inside the providers it needs.
    function draw(type, props) {
      const element = React.createElement(library[type], props);
      if (!suite.onUse) {
        return element;
      }
      return React.createElement(library.MantineProvider, {theme: options.theme || {}},
        React.createElement(library.DatesProvider, {settings: options.dates || {}}, element));
    }

    function failed() {
      return React.createElement("p", {
        className: "alert alert-warning",
        role: "alert",
      }, "No se pudo cargar esta parte de la página. Revise la conexión y recárguela.");
    }

    // A stand-in fetched as soon as it is drawn (AG Grid, dash_table).
    function eager(type) {
      return function StandIn(props) {
        const [state, setState] = React.useState(library ? "loaded" : "loading");
        React.useEffect(function () {
          let mounted = true;
          load().then(function () {
            if (mounted) {
              setState("loaded");
            }
          }, function (error) {
            console.error(error);
            if (mounted) {
              setState("failed");
            }
          });
          return function () {
            mounted = false;
          };
        }, []);
        if (library) {
          return draw(type, props);
        }
        return state === "failed" ? failed() : null;
      };
    }

    // A stand-in fetched when pressed (Mantine's date inputs): a button with the date.
    function onUse(type) {
      return function StandIn(props) {
        const [state, setState] = React.useState(library ? "loaded" : "idle");
        const pressed = React.useRef(false);
        React.useEffect(function () {
          if (state !== "loaded" || !pressed.current) {
            return;
          }
          pressed.current = false;
          // The real input has the same id: focus it and open its calendar, as pressed.
          const input = props.id && document.getElementById(props.id);
          if (input) {
            input.focus();
            input.click();
          }
        }, [state]);
        if (library) {
          return draw(type, props);
        }
        if (state === "failed") {
          return failed();
        }
        function press() {
          if (state === "loading") {
            return;
          }
          pressed.current = true;
          setState("loading");
          load().then(function () {
            setState("loaded");
          }, function (error) {
            console.error(error);
            setState("failed");
          });
        }
        const text = formatDate(props.value, props.valueFormat);
        return React.createElement("div", {className: "date-standin-root " + (props.className || "")},
          React.createElement("button", {
            type: "button",
            id: props.id,
            className: "date-standin date-standin-" + (props.size || "sm"),
            "aria-haspopup": "dialog",
            "aria-busy": state === "loading" ? "true" : "false",
            onClick: press,
          }, text || React.createElement("span", {className: "date-standin-placeholder"},
            props.placeholder || "")));
      };
    }

    suite.components.forEach(function (type) {
      const StandIn = suite.onUse ? onUse(type) : eager(type);
      StandIn.displayName = name + "." + type;
      Object.defineProperty(StandIn, "_dashprivate_isLazyComponentReady", {
        get: function () {
          if (library || suite.onUse) {
            return true;
          }
          return load().then(function () { return true; });
        },
      });
      FROM_LIBRARY.forEach(function (key) {
        Object.defineProperty(StandIn, key, {
          get: function () {
            return library && library[type] ? library[type][key] : undefined;
          },
        });
      });
      standIns[type] = StandIn;
    });

    Object.defineProperty(window, name, {
      configurable: true,
      enumerable: true,
      get: function () {
        return standIns;
      },
      set: function (value) {  // the bundle's own `window.<name> = …`
        library = value;
        Object.defineProperty(window, name, {
          configurable: true,
          enumerable: true,
          writable: true,
          value: Object.assign({}, value, standIns),
        });
      },
    });
  }

  Object.keys(suites).forEach(function (name) {
    defer(name, suites[name]);
  });
})();
