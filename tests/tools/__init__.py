"""Tests of the generator and spec tools: `nox -s codegen_check` runs them, once."""
