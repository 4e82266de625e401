/* The page starts from what its index page carries (dashboard/startup.py).
 *
 * Dash's renderer asks for /_dash-layout and /_dash-dependencies once its scripts have run: the
 * first time, they are answered from the index page's <script id="tablero-inicio">, without the
 * network. With a token there (open reading, response cache on), page answers the server marks
 * with the same token (X-Tablero-Reuse) are kept in localStorage and, while the index page keeps
 * giving that token, the same request is answered from there during the page's start (until the
 * person first clicks or types): the server would send the same bytes, from its own cache under
 * the same key. A new token (new data, account, day or release) drops everything kept under the
 * old one.
 */
(function () {
  'use strict';
  var node = document.getElementById('tablero-inicio');
  if (!node || !window.fetch || !window.Response) {
    return;
  }
  var start;
  try {
    start = JSON.parse(node.textContent);
  } catch (e) {
    return; // the renderer asks the server, as without this file
  }
  var PREFIX = 'tablero-respuesta:';
  var TOKEN_KEY = 'tablero-respuestas-token';
  var MAX_ANSWER = 2 * 1024 * 1024; // characters; a bigger answer is not kept
  var realFetch = window.fetch.bind(window);
  var firstTime = {};
  firstTime[start.base + '_dash-layout'] = start.layout;
  firstTime[start.base + '_dash-dependencies'] = start.dependencies;
  var callbacks = start.base + '_dash-update-component';

  var store = null;
  try {
    store = window.localStorage;
  } catch (e) {
    store = null; // storage blocked: every answer comes from the server
  }

  function ours(store) {
    var keys = [];
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) {
        keys.push(key);
      }
    }
    return keys;
  }

  function forget(store) {
    ours(store).forEach(function (key) { store.removeItem(key); });
  }

  if (store) {
    try {
      if (store.getItem(TOKEN_KEY) !== start.token) {
        forget(store);
        if (start.token) {
          store.setItem(TOKEN_KEY, start.token);
        } else {
          store.removeItem(TOKEN_KEY);
        }
      }
    } catch (e) {
      store = null;
    }
  }
  var reuse = Boolean(store && start.token);
  // Kept answers serve the page's start only: the token is the one of this very moment. Once
  // the person acts (a click, a key, the browser's back button), the data may change under the
  // page — their own movement, someone's upload — and every answer comes from the server again
  // (the ones that still carry this token are kept for the next visit).
  var STOP = ['pointerdown', 'mousedown', 'touchstart', 'keydown', 'popstate'];
  function started() {
    reuse = false;
    STOP.forEach(function (type) { window.removeEventListener(type, started, true); });
  }
  if (reuse) {
    STOP.forEach(function (type) { window.addEventListener(type, started, true); });
  }

  // A short name for a request's body under this token (cyrb53); the body itself is kept and
  // compared too. (With the token in the name, a tab opened earlier, under another token, never
  // answers from, nor writes into, what this one keeps.)
  function name(text) {
    var h1 = 0xdeadbeef;
    var h2 = 0x41c6ce57;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return PREFIX + start.token.slice(0, 16) + ':'
      + (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
  }

  function answer(text, how) {
    return new Response(text, {
      status: 200,
      headers: {'Content-Type': 'application/json', 'X-Tablero-Inicio': how}
    });
  }

  function kept(body) {
    try {
      var item = store.getItem(name(body));
      if (item === null) {
        return null;
      }
      var pair = JSON.parse(item);
      return pair[0] === body ? pair[1] : null;
    } catch (e) {
      return null;
    }
  }

  function keep(body, text) {
    if (text.length > MAX_ANSWER) {
      return;
    }
    var item = JSON.stringify([body, text]);
    try {
      store.setItem(name(body), item);
    } catch (e) { // full: start again with this answer alone
      try {
        forget(store);
        store.setItem(name(body), item);
      } catch (e2) {
        // not kept; the server answers next time
      }
    }
  }

  function pathOf(input) {
    var url = typeof input === 'string' ? input : (input && input.url) || String(input);
    try {
      return new URL(url, window.location.href).pathname;
    } catch (e) {
      return null;
    }
  }

  window.fetch = function (input, init) {
    var method = ((init && init.method) || (input && input.method) || 'GET').toUpperCase();
    var path = pathOf(input);
    if (method === 'GET' && firstTime[path] !== undefined) {
      var data = firstTime[path];
      firstTime[path] = undefined; // later requests (none, normally) go to the server
      if (window.performance && performance.mark) {
        performance.mark('tablero-inicio:' + path.slice(start.base.length));
      }
      return Promise.resolve(answer(JSON.stringify(data), 'index'));
    }
    if (!store || !start.token || method !== 'POST' || path !== callbacks || !init
        || typeof init.body !== 'string') {
      return realFetch(input, init);
    }
    var body = init.body;
    var text = reuse ? kept(body) : null;
    if (text !== null) {
      if (window.performance && performance.mark) {
        performance.mark('tablero-inicio:respuesta');
      }
      return Promise.resolve(answer(text, 'navegador'));
    }
    return realFetch(input, init).then(function (response) {
      if (response.status === 200 && response.headers.get('X-Tablero-Reuse') === start.token) {
        response.clone().text().then(function (t) { keep(body, t); }, function () {});
      }
      return response;
    });
  };
})();
