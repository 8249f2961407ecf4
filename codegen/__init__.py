"""The model pipeline: generation from openapi/, and keeping openapi/ in step with Codat."""
