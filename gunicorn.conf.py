"""gunicorn settings for the dashboard: ``gunicorn -c gunicorn.conf.py dashboard.wsgi:server``.

Threads, not more processes: every worker holds the layers and the explorer's arrays in memory, and most requests
are short numpy work, so a few processes with several threads each serve many visitors. The long work (an import's
preview and commit, the briefing exports) runs as background jobs outside the workers (``dashboard/jobs.py``: a
niced process each, or a Celery worker with ``TFA_REDIS_URL``), so a worker thread only starts a job and answers
its polls. The app is loaded once before the workers fork (``preload_app``), so they share the loaded data and the
generated signing key. Serve it behind a TLS-terminating reverse proxy on the same machine; environment variables
override the defaults below. ``python -m bench --load`` measures other visitors' filter clicks under this
configuration, alone and while an import and an export run (README, Performance).
"""

import multiprocessing
import os

bind = os.environ.get("TFA_BIND", "127.0.0.1:8050")
worker_class = "gthread"
workers = int(os.environ.get("TFA_WORKERS", min(4, multiprocessing.cpu_count())))
threads = int(os.environ.get("TFA_THREADS", "8"))
preload_app = True
# an import of the largest allowed file is checked in well under a minute; nothing should take longer
timeout = int(os.environ.get("TFA_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# request lines and headers: gunicorn's limits; bodies: the app refuses those above its upload limit with 413
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# trust X-Forwarded-* only from the reverse proxy on this machine
forwarded_allow_ips = os.environ.get("TFA_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("TFA_ACCESS_LOG", "-")
errorlog = "-"
