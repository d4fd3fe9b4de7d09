"""Record makers for the batch lane: one generated function per record shape, no conversion.

Input: a result record class, the names of the fields a caller gives (in the class's field
order) and a template record of that shape built with :meth:`~.typed.Record.build`. Output: a
function taking exactly those fields, positionally, that makes the record the builder would
make from the same values when they are already in their final form (numbers as
:class:`~.number.Number`, tuples, labels): the same ``__dict__`` in field order, the template's
shared ``model_fields_set`` and the template's values for the fields not given (defaults,
immutable). Guarantees: nothing is converted or checked (the caller's values are final: the
builder would leave them as they are); a maker is checked against the builder once, when it
is made, on the template itself (``make(*given values) == template`` field for field).

Why: the lane builds about eight records per employee; the builder's conversions and
optional-field bookkeeping cost about a third of each build, spent on values that need none.

>>> from kinerja_engine.scoring.results import OverrideRecord
>>> template = OverrideRecord.build("predikat", "uji")
>>> make = record_maker(OverrideRecord, ("what", "reason"), template)
>>> make("predikat", "alasan") == OverrideRecord.build("predikat", "alasan")
True
>>> make("predikat", "alasan").model_fields_set is template.model_fields_set
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .typed import Record

__all__ = ["record_maker"]

R = TypeVar("R", bound=Record)


def record_maker(cls: type[R], given: tuple[str, ...], template: R) -> Callable[..., R]:
    """A maker of ``cls`` records from the fields ``given`` (see the module docstring)."""
    names = tuple(cls.model_fields)
    if list(given) != [n for n in names if n in given] or not all(n.isidentifier() for n in given):
        raise ValueError(f"record_maker: {given!r} are not fields of {cls.__name__} in order")
    env: dict[str, Any] = {
        "_new": cls.__new__,
        "_cls": cls,
        "_sa": object.__setattr__,
        "_fs": template.model_fields_set,
    }
    items = []
    for i, name in enumerate(names):
        if name in given:
            items.append(f"{name!r}: {name}")
        else:
            env[f"_d{i}"] = getattr(template, name)
            items.append(f"{name!r}: _d{i}")
    source = "\n".join(
        [
            f"def make({', '.join(given)}):",
            "    obj = _new(_cls)",
            f"    _sa(obj, '__dict__', {{{', '.join(items)}}})",
            "    _sa(obj, '__pydantic_fields_set__', _fs)",
            "    _sa(obj, '__pydantic_extra__', None)",
            "    _sa(obj, '__pydantic_private__', None)",
            "    return obj",
        ]
    )
    exec(compile(source, f"<{cls.__name__} maker>", "exec"), env)
    make: Callable[..., R] = env["make"]
    made = make(*[getattr(template, n) for n in given])
    if made.__dict__ != template.__dict__ or list(made.__dict__) != list(template.__dict__):
        raise ValueError(f"record_maker: {cls.__name__} maker differs from its builder")
    return make
