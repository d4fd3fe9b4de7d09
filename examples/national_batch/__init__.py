"""The national_batch example: run ``python examples/national_batch/main.py`` (see main.py)."""
