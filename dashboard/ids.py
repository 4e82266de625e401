"""Component ids shared by the navbar and the pages (page-local ids live in each page)."""

LOCATION = "_pages_location"  # the dcc.Location that dash.page_container provides
POA = "nav-poa"
VERSION = "nav-version"
CORTE = "nav-corte"
PRINT = "print-button"
PRINT_DUMMY = "print-dummy"
NAV_LINK = "nav-link"  # pattern-matching type: {"type": NAV_LINK, "path": "/metas"}
ALERT = "global-alert"  # dbc.Alert in the frame; callbacks that fail write their sentence here
VERSION_NOTICE = "version-notice"  # says when the version shown is not the latest by the fecha de corte
