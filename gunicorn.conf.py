"""gunicorn's settings for Sister City CRM; gunicorn reads this file from the working directory.

The worker answers gunicorn's own refusals (a request line or headers over the limits, an unreadable
request) as JSON in the API's error shape instead of an HTML page: see crm/gunicorn_errors.py.
Everything else (workers, threads, bind, timeouts) is given on the command line; see the README.
"""
worker_class = "crm.gunicorn_errors.JsonErrorsWorker"
