"""The FastAPI service example (a package, so uvicorn and mypy import examples.service.app)."""
