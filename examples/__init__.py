"""Runnable examples of the SDK; each has tests under tests/."""
