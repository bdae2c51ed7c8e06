"""gunicorn's settings for Sister City CRM; gunicorn reads this file from the working directory.

The worker answers gunicorn's own refusals (a request line or headers over the limits, an unreadable
request) as JSON in the API's error shape instead of an HTML page: see crm/gunicorn_errors.py.
Each worker, once it has loaded the app, warms itself in the background (its PDF workers, templates and
gazetteer: crm/documents/warming.py) when CRM_PDF_WARM_AT_START is on (the default in production): in the
worker, never in the master, so nothing is started before gunicorn forks.
Everything else (workers, threads, bind, timeouts) is given on the command line; see the README.
"""
worker_class = "crm.gunicorn_errors.JsonErrorsWorker"


def post_worker_init(worker):
    from crm.documents.warming import warm_at_start

    warm_at_start(worker.wsgi)
