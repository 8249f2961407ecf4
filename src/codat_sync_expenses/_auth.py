"""The credential: the Authorization value made from a key, kept out of reprs, and the
forms of it the redactor looks for."""

from __future__ import annotations

import base64
import contextlib
import os
from typing import TypeVar, cast

_T = TypeVar("_T")


class Secret(str):
    """A str whose repr is redacted: locals dumps, reprs and debuggers never show it.

    It still goes on the wire as itself, being a str.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "'<redacted>'"


def authorization(api_key: str | None, auth_header: str | None) -> Secret:
    """The Authorization value for a key (or a whole header value), checked before use."""
    if api_key is not None and auth_header is not None:
        raise ValueError("pass api_key or auth_header, not both")
    if auth_header is not None:
        if not isinstance(auth_header, str):
            raise TypeError(f"auth_header must be a str, not {type(auth_header).__name__}")
        reject_control_characters("auth_header", auth_header)
        if not auth_header.startswith("Basic ") or not auth_header[6:].strip():
            raise ValueError('auth_header must be the whole header value: "Basic <base64 of key>"')
        return Secret(auth_header)
    if api_key is None:
        api_key = redacted(os.environ.get("CODAT_API_KEY"))
        if not api_key:
            raise ValueError(
                "no Codat API key: pass api_key= or auth_header=, or set CODAT_API_KEY"
            )
        name = "CODAT_API_KEY"
    else:
        name = "api_key"
        if not isinstance(api_key, str):
            raise TypeError(f"api_key must be a str, not {type(api_key).__name__}")
    reject_control_characters(name, api_key)
    if not api_key.strip():
        raise ValueError(f"{name} is empty")
    return Secret("Basic " + base64.b64encode(api_key.encode()).decode("ascii"))


def secret_forms(authorization: Secret) -> tuple[str, ...]:
    """The forms of the key an echoed body may show: header value, base64, raw key.

    The redactor also finds each of them JSON- or URL-escaped.
    """
    encoded = authorization.removeprefix("Basic ").strip()
    unpadded = encoded.rstrip("=")
    # The base64 also without its padding and in the URL-safe alphabet, as echoes may write it.
    forms = [str(authorization), unpadded, unpadded.replace("+", "-").replace("/", "_")]
    with contextlib.suppress(ValueError):  # an auth_header that is not base64 is kept as given
        forms.append(base64.b64decode(encoded, validate=True).decode("utf-8", "replace"))
    return tuple(forms)


def redacted(value: _T) -> _T:
    """``value`` as a ``Secret`` if it is a str, so no repr or traceback shows it."""
    return cast(_T, Secret(value)) if isinstance(value, str) else value


def reject_control_characters(name: str, value: str) -> None:
    """Refuse CR, LF and the like (header injection); the message never repeats the value."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise ValueError(f"{name} contains a control character (such as CR or LF)")
