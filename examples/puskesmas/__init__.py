"""The puskesmas example: run ``python examples/puskesmas/main.py`` (see main.py)."""
