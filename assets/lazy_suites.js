/* Component libraries the index page leaves out (dashboard/delivery.py, LAZY_SUITES): AG Grid is
   only on Calidad, so its 1.3 MB bundle is fetched the first time a page shows a grid, whether
   that page is the first one opened or one reached from the navbar.

   Until then window.<library> is a stand-in: each of its components fetches the bundle (once),
   then draws the library's own component with the same props. The bundle's own
   `window.<library> = …` lands in a setter that keeps the stand-ins (so React never swaps the
   component under a grid already drawn) beside the library's other functions (getApi…). Dash's
   callbacks that touch one of these components wait for the bundle, as they wait for dcc.Graph
   (`_dashprivate_isLazyComponentReady`). The addresses come from the server in
   <meta name="tablero-lazy-suites">. */
(function () {
  "use strict";
  const meta = document.querySelector('meta[name="tablero-lazy-suites"]');
  if (!meta) {
    return;
  }
  const suites = JSON.parse(meta.content);
  const FROM_LIBRARY = ["dashPersistence", "dashChildrenUpdate", "propTypes"];

  function defer(name, src, components) {
    if (window[name]) {
      return;  // already on the page
    }
    let library = null;
    let loading = null;
    const standIns = {};

    function load() {
      if (!loading) {
        loading = new Promise(function (resolve, reject) {
          const script = document.createElement("script");
          script.src = src;
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
            reject(new Error(name + ": no se pudo descargar " + src));
          };
          document.head.appendChild(script);
        });
      }
      return loading;
    }

    components.forEach(function (type) {
      function StandIn(props) {
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
          return React.createElement(library[type], props);
        }
        return state === "failed" ? React.createElement("p", {
          className: "alert alert-warning",
          role: "alert",
        }, "No se pudo cargar esta parte de la página. Revise la conexión y recárguela.") : null;
      }
      StandIn.displayName = name + "." + type;
      Object.defineProperty(StandIn, "_dashprivate_isLazyComponentReady", {
        get: function () {
          return library ? true : load().then(function () { return true; });
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
    defer(name, suites[name].src, suites[name].components);
  });
})();
