# ruff: noqa: N999 - gunicorn reads a file named *.conf.py
"""Gunicorn settings shared by `make run` (bin/serve), production and `make bench`.

Chosen on the 2-core machine this project is measured on (README, Performance). Every value can be overridden
from the environment, named beside it, without editing this file.
"""

import os

# Where to listen: what HOST and PORT say (127.0.0.1:8000 when neither is set).
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]

# Rendering a page is CPU work in Python, so one process per core does the work and one more per core covers a
# worker waiting on the database or a slow client: 2 x cores (4 here). Sync workers: a page never waits on the
# network except the database, and the demo/production proxy in front buffers slow clients.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1))
# Threads > 1 switches to gthread workers, which also keep client connections alive between requests.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Import Django once in the master and fork: workers share the code pages (less memory per worker, faster
# restarts). Django opens no database connection at import, so no connection is shared across the fork.
preload_app = True

# A request that takes longer than this is stuck: the worker is killed and replaced. Graceful stops wait a bit
# less than the usual 30 s that process managers give before SIGKILL.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))

# Recycle each worker after this many requests (jittered so that they do not all restart at once): whatever a
# worker's Python heap grows to (rendition caches, fragmentation) is returned to the system.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "500"))

# No control socket: its default path is shared by every gunicorn of a user, so two installs (or two test
# servers) on one machine would fight over it.
control_socket_disable = True

# Logs on standard error, where the process manager collects them; access lines only where asked (bin/serve).
errorlog = "-"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
