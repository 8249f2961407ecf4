"""``CODAT_LOG=debug`` or ``info``: the SDK's log lines on stderr without configuring logging.

As ``OPENAI_LOG`` and ``STRIPE_LOG`` do for their SDKs: a quick look at every request
(DEBUG: method, path, status, time, attempt) or at retries and limiter events (INFO),
from a shell, with no code change. Applications that configure logging themselves
leave it unset and use the ``codat_sync_expenses`` logger.
"""

from __future__ import annotations

import logging
import os

__all__ = ["LOGGER_NAME", "configure_from_environment"]

LOGGER_NAME = "codat_sync_expenses"
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler ``CODAT_LOG`` adds, told apart from the application's own."""


def configure_from_environment() -> None:
    """Apply ``CODAT_LOG`` to the SDK's logger; idempotent, a no-op when unset or empty.

    An unknown value raises ``ValueError`` naming the variable, rather than logging
    nothing while the user believes logging is on.
    """
    value = os.environ.get("CODAT_LOG", "").strip().lower()
    if not value:
        return
    level = _LEVELS.get(value)
    if level is None:
        raise ValueError(f"CODAT_LOG={value!r}: set it to 'debug' or 'info', or leave it unset")
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(level)
    if not any(isinstance(handler, _Handler) for handler in logger.handlers):
        handler = _Handler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
