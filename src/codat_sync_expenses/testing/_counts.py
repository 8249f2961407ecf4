"""Checks on the numbers a test asks the fake to serve (how many customers, how many times)."""

from __future__ import annotations

MAX_TIMES = 1_000_000
"""The most calls one fault or push outcome may be queued for."""


def count(name: str, value: object, *, minimum: int, maximum: int) -> int:
    """Check a whole number the fake is asked to serve; ValueError naming it otherwise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number, not {type(value).__name__}")
    if not minimum <= value <= maximum:
        raise ValueError(f"{name} must be from {minimum} to {maximum:,}, got {value}")
    return value
