"""The application's Redis client: one per app, made from REDIS_URL the first time it is asked for; None when
REDIS_URL is not set.

Its timeouts are short because what the app keeps in Redis besides the rate limits is a cache: a Redis that is
down or slow must cost a page a fraction of a second, never the page itself. A caller that needs to wait longer
(a job queue's blocking read) makes its own client from the same URL.
"""
import threading

import redis
from flask import Flask, current_app
from redis.backoff import NoBackoff
from redis.retry import Retry

CONNECT_TIMEOUT = 0.25  #: seconds to open a connection (Redis is on the local network or the same host)
SOCKET_TIMEOUT = 0.5  #: seconds any one read or write may wait

_EXTENSION = "crm.redis_client"
_lock = threading.Lock()


def redis_client(app: Flask | None = None) -> redis.Redis | None:
    """The app's client (thread-safe: it keeps a pool of connections), or None without REDIS_URL."""
    app = app or current_app._get_current_object()
    try:
        return app.extensions[_EXTENSION]
    except KeyError:
        pass
    with _lock:
        if _EXTENSION not in app.extensions:
            url = app.config.get("REDIS_URL")
            app.extensions[_EXTENSION] = redis.Redis.from_url(
                url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=SOCKET_TIMEOUT,
                retry=Retry(NoBackoff(), 0)) if url else None  # no retry: a miss costs less than waiting
        return app.extensions[_EXTENSION]


def redis_key(*parts, app: Flask | None = None) -> str:
    """A key under the app's prefix (REDIS_PREFIX, from CRM_REDIS_PREFIX): `crm:health:…`."""
    app = app or current_app
    return app.config.get("REDIS_PREFIX", "crm:") + ":".join(str(part) for part in parts)
