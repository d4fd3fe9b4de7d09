"""Guards of the rules language's public face: argument checks and the net for bugs.

Input: the arguments a caller gave :class:`~kinerja_engine.language.formula.Formula` or
:class:`~kinerja_engine.language.formula.Rulebook`, or an action to run. Output: nothing, or
the action's result. Guarantees: a wrong argument is a :class:`~kinerja_engine.errors.UsageError`
naming the parameter; anything raised that is not a :class:`~kinerja_engine.errors.KinerjaError`
becomes one (an internal error, reported politely), so nothing else escapes the language.

>>> guard(lambda: 1 + 1, "adding")
2
>>> guard(lambda: [][0], "indexing")
Traceback (most recent call last):
...
kinerja_engine.errors.KinerjaError: internal error while indexing (IndexError: list index out of range); please report it
>>> keywords_only((1,), {"x": "number"}, "Formula.evaluate")
Traceback (most recent call last):
...
kinerja_engine.errors.UsageError: Formula.evaluate takes its inputs by name (x=…); got 1 positional argument
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ..errors import KinerjaError, UsageError, shown

__all__ = ["guard", "internal_error", "keywords_only", "require_inputs", "require_type"]

T = TypeVar("T")


def guard(action: Callable[[], T], what: str) -> T:
    """Run ``action``; anything that is not a KinerjaError is a bug, reported as one."""
    try:
        return action()
    except KinerjaError:
        raise
    except Exception as exc:  # pragma: no cover - a bug; never let it escape unexplained
        raise internal_error(exc, what) from exc


def internal_error(exc: Exception, what: str) -> KinerjaError:
    """The error reported for ``exc``, which is not a KinerjaError: a bug, or nesting."""
    if isinstance(exc, RecursionError):  # pragma: no cover - limits make this unreachable
        return KinerjaError(f"{what}: the input is nested too deeply")
    return KinerjaError(  # pragma: no cover - a bug; never let it escape unexplained
        f"internal error while {what} ({type(exc).__name__}: {exc}); please report it"
    )


def require_type(value: object, types: type | tuple[type, ...], param: str, what: str) -> None:
    """Refuse a wrong argument type with a :class:`UsageError` naming the parameter.

    >>> require_type(3, str, "text", "Formula.parse")
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.UsageError: Formula.parse: 'text' must be str, got int
    """
    if not isinstance(value, types):
        names = (types,) if isinstance(types, type) else types
        wanted = " or ".join("None" if t is type(None) else t.__name__ for t in names)
        raise UsageError(f"{what}: '{param}' must be {wanted}, got {type(value).__name__}")


def require_inputs(inputs: object) -> None:
    """Refuse ``Formula.parse(inputs=...)`` unless it maps names to type names (text).

    >>> require_inputs({"x": 1})
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.UsageError: Formula.parse: 'inputs' maps input names to type names (text), e.g. {'target': 'number'}; got 'x': 1
    """  # noqa: E501
    if inputs is None:
        return
    require_type(inputs, Mapping, "inputs", "Formula.parse")
    assert isinstance(inputs, Mapping)
    for name, type_name in inputs.items():
        if not isinstance(name, str) or not isinstance(type_name, str):
            raise UsageError(
                "Formula.parse: 'inputs' maps input names to type names (text), e.g. "
                f"{{'target': 'number'}}; got {shown(name)}: {shown(type_name)}"
            )


def keywords_only(args: tuple[Any, ...], inputs: Mapping[str, str], what: str) -> None:
    """Refuse positional inputs: a formula's inputs are named (see the module's example)."""
    if args:
        names = ", ".join(f"{n}=…" for n in inputs) or "no inputs"
        raise UsageError(
            f"{what} takes its inputs by name ({names}); got {len(args)} positional "
            f"argument{'s' * (len(args) != 1)}"
        )
