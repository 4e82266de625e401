"""Gunicorn settings for production: `gunicorn -c python:dashboard.gunicorn_conf dashboard.wsgi:server`.

Threaded workers (gthread) so that a slow or idle client holds one thread, never a whole worker;
timeouts short enough that a client sending its request a byte at a time is dropped. Every value
can be changed from the environment (`GUNICORN_CMD_ARGS`, or the variables below).
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("POA_BIND", "127.0.0.1:8050")  # behind the reverse proxy (README)
workers = int(os.environ.get("POA_WORKERS", str(min(4, multiprocessing.cpu_count() * 2 + 1))))
worker_class = "gthread"
threads = int(os.environ.get("POA_THREADS", "8"))
timeout = 30  # a request that takes longer is a stuck worker: it is replaced
graceful_timeout = 30
keepalive = 5  # seconds an idle keep-alive connection may hold a thread
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
