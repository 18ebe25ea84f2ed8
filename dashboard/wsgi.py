"""WSGI entry point: ``gunicorn dashboard.wsgi:server``."""

from dashboard import heap
from dashboard.app import create_app
from dashboard.warmup import warm_in_background

heap.limit_arenas()  # before the server's threads: one C heap, which the idle trims can empty
app = create_app()
server = app.server
warm_in_background(app)  # the page's files compressed, the coverage page's default view drawn, before the first visit
