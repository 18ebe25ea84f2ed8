"""What a Celery worker loads before it takes jobs (``dashboard.jobs`` names this module in Celery's ``imports``
setting): the Dash app, whose pages register every background callback as a task of ``dashboard.jobs.celery``."""

from dashboard.app import create_app

app = create_app()
