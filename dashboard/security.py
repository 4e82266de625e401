"""Security headers on every response, with a Content-Security-Policy as strict as Dash allows.

Dash writes a few inline scripts into its index page: the renderer start-up and the code of
inline clientside callbacks. Rather than allowing every inline script, the policy lists the
SHA-256 of each one (`app.csp_hashes()`). Those scripts are only all known once every callback is
registered and Dash's `_setup_server` (a `before_request` hook) has collected the global ones, so
the hashes are computed at each response, after Dash's hook has run (hashing a few short
scripts costs microseconds, and a callback added late is never left out).

No `'unsafe-eval'`: Dash's renderer, its components and the Plotly traces the dashboard draws
run without `eval`/`new Function`, which the browser tests check (a CSP violation is a console
error). The AG Grids (`dashboard.grid`) too: the functions their options name are read by
dash-ag-grid's own expression parser, and AG Grid's string expressions (which would need
`new Function`) are never used. Styles keep `'unsafe-inline'` because Dash components, Plotly
and AG Grid set inline styles (AG Grid's themes also add `<style>` elements to the page).
"""

from __future__ import annotations

from collections.abc import Sequence

import dash
import flask

from dashboard.services import get_services

HSTS = "max-age=31536000; includeSubDomains"
# The same for everyone, may be cached (dashboard.delivery says for how long).
CACHEABLE = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

# Scripts, style sheets, icons and fonts served as files (`CACHEABLE`) are never documents: the
# headers that only documents obey (the policy, framing, opener, permissions, referrer) would
# be bytes sent for nothing on each of the ~35 files of a first visit (about 1 KiB each, 25 KiB
# in all over a 4 Mbit/s line). They keep `nosniff` (a script must be served as one) and HSTS.
SUBRESOURCE_TYPES = frozenset({
    "application/javascript", "text/javascript", "text/css", "image/x-icon",
    "image/vnd.microsoft.icon", "image/png", "font/woff", "font/woff2", "application/json",
})
SUBRESOURCE_HEADERS = ("X-Content-Type-Options",)

# Every directive but script-src, whose hashes depend on the app.
POLICY = {
    "default-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "object-src": "'none'",
}


def content_security_policy(script_hashes: Sequence[str]) -> str:
    directives = {"default-src": POLICY["default-src"],
                  "script-src": " ".join(["'self'", *script_hashes])}
    directives.update((k, v) for k, v in POLICY.items() if k != "default-src")
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def register(app: dash.Dash) -> None:
    """Add the headers to every Flask response of `app` (pages, callbacks, files, errors)."""
    @app.server.after_request
    def add_security_headers(response: flask.Response) -> flask.Response:
        settings = get_services().settings
        if is_subresource(response):
            for name in SUBRESOURCE_HEADERS:
                response.headers[name] = HEADERS[name]
            if settings.secure_cookies:
                response.headers["Strict-Transport-Security"] = HSTS
            return response
        for name, value in HEADERS.items():
            response.headers[name] = value
        # csp_hashes() also moves callbacks registered with `dash.clientside_callback` into the
        # app, as Dash's own index page does.
        response.headers["Content-Security-Policy"] = content_security_policy(app.csp_hashes())
        if settings.secure_cookies:  # served over HTTPS: browsers must never come back over HTTP
            response.headers["Strict-Transport-Security"] = HSTS
        if not settings.public_read and not flask.request.path.startswith(CACHEABLE):
            # Closed reading: no page, callback answer or download stays in a cache.
            response.headers["Cache-Control"] = "no-store"
        return response


def is_subresource(response: flask.Response) -> bool:
    """A script, style sheet, icon or font file (never a page, an SVG or a download)."""
    return (flask.request.path.startswith(CACHEABLE)
            and response.mimetype in SUBRESOURCE_TYPES)
