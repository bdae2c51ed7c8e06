"""A stored object as a download: the same headers whichever store holds it.

From the local folder, Flask's send_file serves the file itself. From an object store, the object's body is
streamed through the application chunk by chunk (never held whole in memory), with the same headers:
Content-Length, Last-Modified, the ETag given, Cache-Control, and conditional and range requests answered
as send_file answers them."""
from flask import request, send_file

from crm.storage.base import Store
from crm.storage.local import LocalStore


def send_stored(store: Store, key: str, *, mimetype: str, etag: str | bool = True, **options):
    """A response sending the object of key (options as send_file's: as_attachment, download_name, max_age);
    FileNotFoundError when there is none. etag=True: the local file's own, or else the key (keys here name
    one content for good: a changed file gets a new name)."""
    if isinstance(store, LocalStore):
        path = store.path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return send_file(path, mimetype=mimetype, etag=etag, **options)
    opened = store.open(key)
    try:
        response = send_file(opened.stream, mimetype=mimetype, etag=key if etag is True else etag,
                             last_modified=opened.modified, conditional=False, **options)
        response.content_length = opened.size
        return response.make_conditional(request.environ, accept_ranges=True, complete_length=opened.size)
    except BaseException:
        opened.close()
        raise
