"""Central defences against input that no page expects: NUL bytes and huge numbers.

PostgreSQL refuses a NUL byte in text and an integer beyond its column; either would be
a 500. NUL bytes are dropped from every query string and form value before any view sees
them, a NUL in a path opens nothing, and an `<int:...>` part of a URL beyond the id
columns' range is a 404.
"""

from __future__ import annotations

from flask import Flask, request
from flask.wrappers import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter, UnicodeConverter
from werkzeug.utils import cached_property

# Ids are INTEGER columns: 32 bits on PostgreSQL.
LARGEST_ID = 2**31 - 1
# Far beyond any list's last page, and still a small OFFSET.
LARGEST_PAGE = 100_000


def without_nul(values: MultiDict) -> ImmutableMultiDict:
    """The values without NUL bytes, and without the form parts that have no name."""
    return ImmutableMultiDict(
        [
            (key.replace("\x00", ""), value.replace("\x00", ""))
            for key, value in values.items(multi=True)
            if key is not None
        ]
    )


def named(files: MultiDict) -> MultiDict:
    """The uploaded files that a form field could be named for."""
    if None not in files:
        return files
    return files.__class__([(key, value) for key, value in files.items(multi=True) if key])


class PlenaryRequest(Request):
    """A request whose query string and form values never hold a NUL byte, nor a part of a
    multipart body without a name (werkzeug keeps it under None)."""

    @cached_property
    def args(self) -> ImmutableMultiDict:
        return without_nul(super().args)

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = without_nul(self.__dict__["form"])
        self.__dict__["files"] = named(self.__dict__["files"])


class IdConverter(IntegerConverter):
    """`<int:...>`: a non-negative integer that fits an id column, else no match (404)."""

    def __init__(
        self,
        map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, LARGEST_ID if max is None else max, signed)


class TextConverter(UnicodeConverter):
    """`<name>` and `<string:name>`: any text but a slash or a NUL byte."""

    def __init__(
        self, map, minlength: int = 1, maxlength: int | None = None, length: int | None = None
    ) -> None:
        super().__init__(map, minlength, maxlength, length)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]", 1)


def page_number(name: str = "page") -> int:
    """The page asked for in the query string, from 1 to LARGEST_PAGE."""
    page = request.args.get(name, 1, type=int) or 1
    return min(max(page, 1), LARGEST_PAGE)


def id_number(name: str) -> int | None:
    """An id given in the query string, or None if there is none that could exist."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= LARGEST_ID else None


def register(app: Flask) -> None:
    app.request_class = PlenaryRequest
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["default"] = TextConverter
    app.url_map.converters["string"] = TextConverter
