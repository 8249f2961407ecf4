"""Checks of the public API's types: mypy runs over them, pytest does not."""
