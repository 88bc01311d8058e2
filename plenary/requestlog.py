"""Request paths as the logs may print them: the route, never a personal link's token.

The application notes each request's loggable path in its WSGI environ; the error log,
the access log of `flask serve` and gunicorn's access log (`--logger-class
plenary.requestlog.GunicornLogger`) print that instead of the path that was asked for.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, request
from gunicorn.glogging import Logger
from werkzeug.serving import WSGIRequestHandler

ENVIRON_KEY = "plenary.loggable_path"
# A path segment that could be a signed token: long, in the URL-safe alphabet.
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9_\-.~%]{24,}")


def loggable_path(environ: dict[str, Any]) -> str:
    """The path of a request with any token in it replaced by <token>."""
    noted = environ.get(ENVIRON_KEY)
    if noted is not None:
        return noted
    # Not routed by the app (a 404, a bad request line): mask whatever looks like a token.
    path = environ.get("PATH_INFO", "")
    return "/".join("<token>" if _TOKEN_LIKE.fullmatch(part) else part for part in path.split("/"))


def _note_loggable_path() -> None:
    token = (request.view_args or {}).get("token")
    path = request.path
    if request.url_rule is None:
        path = loggable_path({"PATH_INFO": path})
    elif isinstance(token, str) and token:
        path = path.replace(token, "<token>")
    request.environ[ENVIRON_KEY] = path


def register(app: Flask) -> None:
    # First of all the hooks, so that a request refused by another hook is logged safely too.
    app.before_request_funcs.setdefault(None, []).insert(0, _note_loggable_path)


class AccessLogHandler(WSGIRequestHandler):
    """The request handler of `flask serve`: its access log prints routes, not tokens."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        environ = getattr(self, "environ", None)
        if environ is None:
            return super().log_request(code, size)
        path = loggable_path(environ)
        self.log("info", '"%s %s %s" %s %s', self.command, path, self.request_version, code, size)


class GunicornLogger(Logger):
    """gunicorn's logger, whose access log prints routes, not tokens."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = loggable_path(environ)
        atoms["U"] = path
        atoms["q"] = ""
        atoms["r"] = f"{environ.get('REQUEST_METHOD')} {path} {environ.get('SERVER_PROTOCOL')}"
        return atoms
