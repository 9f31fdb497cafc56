"""WSGI entry point for gunicorn: `gunicorn wsgi:app`."""

import config
from fairplanner import create_app

app = create_app(config.WSGI_CONFIG)
