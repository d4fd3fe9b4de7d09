"""The base of every input model: frozen, closed, and failing only with ModelError.

Input: the data a model is built from (keywords, ``model_validate``,
``model_validate_json``, ``model_validate_strings``) or an assignment. Output: the model, or
one :class:`~kinerja_engine.errors.ModelError` whose message lists every problem with its
dotted field path and names the employee when the input shows one. Guarantees: no pydantic
exception escapes construction, validation or assignment; nested models are validated by
pydantic-core directly (their errors keep their full paths) and reported once, by the
outermost call.
"""

from __future__ import annotations

import contextvars
import functools
import json
from collections.abc import Callable
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import ModelError

__all__ = ["FrozenModel", "prose_only"]

# True while a public entry point is validating: nested models then let pydantic's own
# errors through so that the outermost call reports them with full paths.
_VALIDATING: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "kinerja_models_validating", default=False
)


def _model_error(cls: type[FrozenModel], exc: ValidationError, employee: str | None) -> ModelError:
    lines: list[str] = []
    paths: list[str] = []
    for error in exc.errors(include_url=False):
        path = ".".join(str(part) for part in error["loc"])
        paths.append(path)
        lines.append(f"{path}: {error['msg']}" if path else error["msg"])
    if len(lines) == 1:
        message = exc.errors(include_url=False)[0]["msg"]
    else:
        message = f"{len(lines)} problems in {cls.__name__}: " + "; ".join(lines)
    field = paths[0] if paths and paths[0] else None
    return ModelError(message, field=field, employee=employee, errors=tuple(lines))


def prose_only(schema: dict[str, Any], cls: object = None) -> None:
    """Drop the doctest examples from a JSON Schema's ``description`` (made from a docstring).

    A docstring carries examples for developers; the schema is read by other tools and by
    people filling forms, so it keeps the prose only.

    >>> schema = {"description": "A point. >>> Point(x=1)"}
    >>> prose_only(schema)
    >>> schema
    {'description': 'A point.'}
    """
    text = schema.get("description")
    if isinstance(text, str) and ">>>" in text:
        schema["description"] = text.split(">>>", 1)[0].rstrip()


class FrozenModel(BaseModel):
    """Frozen, closed pydantic model whose every failure is a :class:`ModelError`.

    The base of every input model (not exported by :mod:`kinerja_engine.models`). A subclass
    names the employee concerned in its errors by overriding ``_employee_hint``.

    >>> class Point(FrozenModel):
    ...     x: int
    >>> Point(x=1, y=2)
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.ModelError: field 'y': Extra inputs are not permitted
    >>> Point(x=1).x = 3
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.ModelError: field 'x': Point is frozen; build a new one instead of assigning
    """  # noqa: E501

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra=prose_only)

    def __init__(self, /, **data: Any) -> None:
        if _VALIDATING.get():
            super().__init__(**data)
            return
        token = _VALIDATING.set(True)
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise _model_error(type(self), exc, type(self)._employee_hint(data)) from None
        finally:
            _VALIDATING.reset(token)

    # Tell pydantic this is its own __init__, so nested models are built directly by
    # pydantic-core (fast, and their errors keep their paths) instead of through here.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def _employee_hint(cls, data: object) -> str | None:
        """The NIP or name of the employee concerned, if the input shows one."""
        return None

    @classmethod
    def _run(cls, validate: Callable[[], Self], data: Callable[[], object]) -> Self:
        if _VALIDATING.get():
            return validate()
        token = _VALIDATING.set(True)
        try:
            return validate()
        except ValidationError as exc:
            # The input is only inspected for the employee on this (rare) failure path.
            raise _model_error(cls, exc, cls._employee_hint(data())) from None
        finally:
            _VALIDATING.reset(token)

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Self:
        """Validate Python data; failures raise :class:`ModelError`."""
        return cls._run(functools.partial(super().model_validate, obj, **kwargs), lambda: obj)

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **kwargs: Any) -> Self:
        """Validate JSON text; failures raise :class:`ModelError`."""

        def data() -> object:
            try:
                return json.loads(json_data)
            except (ValueError, RecursionError):
                return None

        return cls._run(functools.partial(super().model_validate_json, json_data, **kwargs), data)

    @classmethod
    def model_validate_strings(cls, obj: Any, **kwargs: Any) -> Self:
        """Validate string-only data; failures raise :class:`ModelError`."""
        return cls._run(
            functools.partial(super().model_validate_strings, obj, **kwargs), lambda: obj
        )

    def __setattr__(self, name: str, value: Any) -> None:
        try:
            super().__setattr__(name, value)
        except (ValidationError, AttributeError, ValueError):
            raise ModelError(
                f"{type(self).__name__} is frozen; build a new one instead of assigning",
                field=name,
                employee=type(self)._employee_hint(self),
                errors=(f"{name}: {type(self).__name__} is frozen",),
            ) from None

    def __delattr__(self, name: str) -> None:
        try:
            super().__delattr__(name)
        except (ValidationError, AttributeError, ValueError):
            raise ModelError(
                f"{type(self).__name__} is frozen; fields cannot be deleted",
                field=name,
                employee=type(self)._employee_hint(self),
                errors=(f"{name}: {type(self).__name__} is frozen",),
            ) from None
