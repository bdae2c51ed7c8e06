"""The framework floor: a bare Flask app rendering a 200-row Jinja table, no database.

bench/pages.py serves it on the same gunicorn as the CRM and divides each page's requests per second
by this app's: the share of what Flask itself can do on this machine.

    .venv/bin/gunicorn --workers 2 bench.floor:app
"""
from flask import Flask, render_template_string

ROWS = [{"id": n, "name": f"Partner city {n}", "country": "Japan", "status": "active", "since": 1950 + n % 70}
        for n in range(200)]
TABLE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Floor</title></head><body>
<table><thead><tr><th>Name</th><th>Country</th><th>Status</th><th>Since</th></tr></thead><tbody>
{% for row in rows %}<tr><td><a href="/p/{{ row.id }}">{{ row.name }}</a></td><td>{{ row.country }}</td>
<td>{{ row.status }}</td><td>{{ row.since }}</td></tr>
{% endfor %}</tbody></table></body></html>"""

app = Flask(__name__)


@app.get("/")
def table():
    return render_template_string(TABLE, rows=ROWS)
