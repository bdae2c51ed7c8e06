"""Absolute links the app hands out: always on the office's public address, never on the request's Host.

A link in an e-mail, a feed or an API answer outlives the request that made
it. Built from the Host header, it would carry whatever host the requester
named (`POST /forgot-password` with `Host: attacker.example` would mail a
victim a reset link to the attacker's server), so every absolute URL comes
from CRM_PUBLIC_URL instead.
"""
from urllib.parse import quote, urlsplit

from flask import current_app, has_request_context, request


def public_url_for(endpoint: str, **values) -> str:
    """url_for(..., _external=True), on CRM_PUBLIC_URL (scheme, host, port and path prefix)."""
    if endpoint.startswith("."):
        blueprint = request.blueprint if has_request_context() else None
        endpoint = f"{blueprint}{endpoint}" if blueprint else endpoint[1:]
    anchor = values.pop("_anchor", None)
    values.pop("_external", None)
    public = urlsplit(current_app.config["PUBLIC_URL"])
    current_app.inject_url_defaults(endpoint, values)
    adapter = current_app.url_map.bind(public.netloc, script_name=public.path or "/", url_scheme=public.scheme)
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{quote(anchor, safe='')}" if anchor else url
