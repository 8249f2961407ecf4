"""The one place where the API key is taken out of everything an error shows.

Every error the client raises passes through ``Redactor.scrub`` on its way out
(``_api.API.request``): its message, fields, body excerpt, Codat's decoded
error model and the response headers it keeps, and the same for each exception
in its ``__cause__``/``__context__`` chain (aiohttp's parse errors quote the
raw response line, which may echo the Authorization header). A form of the key
is matched however JSON or a URL escaped it (``\\u002B``, ``\\/``, ``%2B``).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
from multidict import CIMultiDict, CIMultiDictProxy, MultiDict, MultiDictProxy

REDACTED = "<redacted>"
_HEADER_TYPES = (CIMultiDict, CIMultiDictProxy, MultiDict, MultiDictProxy)
_MODELS = "codat_sync_expenses.models"


def _escapable(form: str) -> str:
    """A pattern for ``form`` where each character may also be written as a JSON or URL escape."""
    pieces = []
    for char in form:
        # Escapes first: the character itself may be how an escape starts ('%', '\\').
        choices = []
        code = ord(char)
        if code <= 0xFFFF:
            choices.append(r"\\u" + "".join(f"[{h.lower()}{h.upper()}]" for h in f"{code:04x}"))
        if char == "/":
            choices.append(r"\\/")
        if code < 0x80 and not char.isalnum():
            choices.append("%" + "".join(f"[{h.lower()}{h.upper()}]" for h in f"{code:02x}"))
        choices.append(re.escape(char))
        pieces.append("(?:" + "|".join(choices) + ")")
    return "".join(pieces)


class Redactor:
    """Replaces every form of the credential with ``<redacted>`` in text, bytes and errors."""

    def __init__(self, secrets: Iterable[str]) -> None:
        """``secrets`` are the forms to hide (header value, base64, raw key); short ones are
        ignored, since they would match ordinary text."""
        forms = sorted({form for form in secrets if len(form) >= 4}, key=len, reverse=True)
        # Longest first, so that the header value is redacted whole.
        pattern = "|".join(_escapable(form) for form in forms)
        self._text = re.compile(pattern) if forms else None
        self._bytes = re.compile(pattern.encode("utf-8")) if forms else None

    def text(self, value: str) -> str:
        """``value`` with the credential redacted."""
        return value if self._text is None else self._text.sub(REDACTED, value)

    def bytes(self, value: bytes) -> bytes:
        """``value`` with the credential redacted (matched in its UTF-8 forms)."""
        return value if self._bytes is None else self._bytes.sub(REDACTED.encode(), value)

    def headers(self, headers: Mapping[str, str]) -> CIMultiDict[str]:
        """A copy of ``headers`` with the credential redacted from every value."""
        return CIMultiDict((key, self.text(value)) for key, value in headers.items())

    def scrub(self, error: BaseException) -> None:
        """Redact ``error`` and every exception chained to it, in place.

        Their texts, fields and headers are redacted, and the tracebacks below the
        caller are dropped: the transport's and aiohttp's frames hold the raw
        response and its headers in their locals, which tools such as Sentry
        capture (``TracebackException(capture_locals=True)``).
        """
        pending: list[BaseException] = [error]
        seen: set[int] = set()
        while pending:
            current = pending.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            current.args = tuple(self._value(arg) for arg in current.args)
            for name, value in list(vars(current).items()):
                redacted = self._value(value)
                if redacted is not value:
                    setattr(current, name, redacted)
            current.__traceback__ = None
            pending += [e for e in (current.__cause__, current.__context__) if e is not None]

    def _value(self, value: Any) -> Any:
        # Texts, headers and the SDK's own models (Codat's decoded error body) are
        # rebuilt redacted; other objects are left as they are (their reprs are safe).
        if isinstance(value, str) and not isinstance(value, enum.Enum):
            return self.text(value)
        if isinstance(value, bytes):
            return self.bytes(value)
        if isinstance(value, _HEADER_TYPES):
            return CIMultiDict((key, self.text(item)) for key, item in value.items())
        if type(value) is list:
            return [self._value(item) for item in value]
        if attrs.has(type(value)) and type(value).__module__ == _MODELS:
            fields = [a for a in attrs.fields(type(value)) if a.init]
            changes = {a.alias: self._value(getattr(value, a.name)) for a in fields}
            return attrs.evolve(value, **changes)
        return value
