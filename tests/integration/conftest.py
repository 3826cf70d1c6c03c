"""Kept for imports: the pipeline fixture lives in tests/pipeline.py (registered in tests/conftest.py)."""

from tests.pipeline import Pipeline

__all__ = ["Pipeline"]
