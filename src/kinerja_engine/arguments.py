"""Argument checks at the public entry points: a wrong type is a :class:`UsageError`.

Input: a value, the type(s) it must have, the function and parameter names. Output: the
value, unchanged. Guarantees: a wrong value raises :class:`~kinerja_engine.errors.UsageError`
naming the function, the parameter and the type given, never ``AttributeError`` or
``TypeError`` later; ``bool`` is never accepted where a number is expected.

>>> require(3, int, "score_batch", "progress_every")
3
>>> require("x", int, "score_batch", "progress_every")
Traceback (most recent call last):
...
kinerja_engine.errors.UsageError: score_batch(): parameter 'progress_every' must be int, got str
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from .errors import UsageError

__all__ = ["require", "require_callable", "require_optional"]

_T = TypeVar("_T")


def _names(expected: type | tuple[type, ...]) -> str:
    kinds = expected if isinstance(expected, tuple) else (expected,)
    return " or ".join(k.__name__ for k in kinds)


def require(value: Any, expected: type[_T] | tuple[type, ...], func: str, param: str,
            hint: str | None = None) -> _T:  # fmt: skip
    """``value`` if it is an instance of ``expected`` (a bool is not an int), else UsageError.

    >>> require(True, int, "f", "n")
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.UsageError: f(): parameter 'n' must be int, got bool
    """
    if type(value) is expected:  # the usual case, on hot paths: one identity test
        return value
    kinds = expected if isinstance(expected, tuple) else (expected,)
    if isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds):
        return cast("_T", value)
    raise UsageError(
        f"{func}(): parameter '{param}' must be {_names(expected)}, got {type(value).__name__}",
        hint=hint,
    )


def require_optional(value: Any, expected: type[_T] | tuple[type, ...], func: str,
                     param: str) -> _T | None:  # fmt: skip
    """Like :func:`require`, but ``None`` passes.

    >>> require_optional(None, str, "f", "policy") is None
    True
    """
    return None if value is None else require(value, expected, func, param)


def require_callable(value: Any, func: str, param: str) -> Callable[..., Any] | None:
    """``value`` if it is ``None`` or callable, else UsageError.

    >>> require_callable(1, "f", "on_progress")
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.UsageError: f(): parameter 'on_progress' must be a function or None, got int
    """  # noqa: E501
    if value is None or callable(value):
        return value  # type: ignore[no-any-return]
    raise UsageError(
        f"{func}(): parameter '{param}' must be a function or None, got {type(value).__name__}"
    )
