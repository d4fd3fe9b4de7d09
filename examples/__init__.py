"""Runnable examples of kinerja_engine (a package only so that mypy tells the scripts apart)."""
