"""The property_testing example: run ``python examples/property_testing/main.py`` (see main.py)."""
