"""The project's Celery app with a short Redis visibility timeout, so a killed worker's tasks come back quickly."""

import os

from c2f.celery import app  # noqa: F401  (the worker is started with -A invitations_worker_app)

app.conf.broker_transport_options = {"visibility_timeout": int(os.environ.get("BENCH_VISIBILITY_TIMEOUT", "20"))}
