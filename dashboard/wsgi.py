"""WSGI entry point: ``gunicorn dashboard.wsgi:server``."""

from dashboard.app import create_app
from dashboard.warmup import warm_in_background

app = create_app()
server = app.server
warm_in_background(app)  # the coverage page's default view, drawn before the first visit
