"""Entry point for `flask --app wsgi` and WSGI servers (gunicorn wsgi:app)."""
from crm import create_app

app = create_app()
