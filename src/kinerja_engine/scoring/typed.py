"""The typed contract of every result record: a frozen pydantic base and its value types.

Input: the values the pipeline computed (exact ``Fraction`` numbers, :class:`Label` members,
target ranges, text). Output: :class:`Record`, the base of every result class (frozen,
``extra="forbid"``, a published JSON Schema), the annotated number type :data:`Exact`, the
open value type :data:`ResultValue`, the statuses :class:`AppraisalStatus` and
:class:`IndicatorStatus`, and :func:`decimal_view`.

Guarantees:

- Nothing is validated inside the pipeline: :meth:`Record.build` makes a record without
  validation (the batch path builds millions); validation happens at the edges only
  (``__init__``, ``model_validate``, ``model_validate_json``). A built record's
  ``model_fields_set`` is a shared, read-only :class:`BuiltFields` (one per class and set of
  fields given, not one per record).
- Numbers stay exact. In Python an :data:`Exact` field holds a ``Fraction`` (arithmetic stays
  exact); :func:`decimal_view` gives its ``Decimal``: exact when the value terminates,
  otherwise rounded half up to :data:`DECIMAL_PLACES` places. In JSON a number is a string:
  the exact decimal when it terminates (``"94.75"``), the exact fraction otherwise
  (``"350/3"``), so ``model_validate_json(model_dump_json())`` loses nothing.

>>> from fractions import Fraction
>>> decimal_view(Fraction(3, 8)), decimal_view(Fraction(2, 3))
(Decimal('0.375'), Decimal('0.6666666667'))
>>> exact_text(Fraction(350, 3)), exact_text(Fraction(9475, 100)), parse_exact("350/3")
('350/3', '94.75', Fraction(350, 3))
>>> AppraisalStatus.COMPLETE == "complete", AppraisalStatus("error")
(True, 'error')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum
from fractions import Fraction
from typing import Annotated, Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticUndefined, core_schema

from ..arguments import require
from ..errors import UsageError
from ..models import TargetRange
from ..values import Label, is_terminating
from .carry import to_public

__all__ = [
    "DECIMAL_PLACES",
    "AppraisalStatus",
    "BuiltFields",
    "Exact",
    "IndicatorStatus",
    "Record",
    "ResultValue",
    "decimal_view",
    "exact_text",
    "parse_exact",
]

#: Places a non-terminating number is rounded to (half up) in :func:`decimal_view`.
DECIMAL_PLACES = 10

_EXACT_TEXT = re.compile(r"-?\d+(\.\d+)?|-?\d+/\d+")
_EXACT_PATTERN = r"^(-?\d+(\.\d+)?|-?\d+/\d+)$"


class _TextEnum(StrEnum):
    """A status that equals, prints and reprs as its text (doctests and logs read as 0.1's)."""

    def __repr__(self) -> str:
        return repr(self.value)


class AppraisalStatus(_TextEnum):
    """How far an appraisal got: equal to its text (``status == "complete"``)."""

    COMPLETE = "complete"
    INCOMPLETE = "incomplete"
    ERROR = "error"


class IndicatorStatus(_TextEnum):
    """What is known of one indicator's realisasi."""

    REPORTED = "reported"
    NOT_REPORTED = "not_reported"
    NOT_APPLICABLE = "not_applicable"


def decimal_view(value: Fraction | Decimal | int) -> Decimal:
    """``value`` as a Decimal: exact if it terminates, else half up to DECIMAL_PLACES places.

    >>> decimal_view(Fraction(-1, 6)), decimal_view(Decimal("94.750"))
    (Decimal('-0.1666666667'), Decimal('94.75'))
    """
    given: Fraction | Decimal | int = require(
        value, (Fraction, Decimal, int), "decimal_view", "value"
    )
    if isinstance(given, Decimal) and not given.is_finite():
        raise UsageError(f"decimal_view(): {given} is not a finite number")
    value = Fraction(given)
    if is_terminating(value):
        return to_public(value)
    with localcontext() as ctx:
        ctx.prec = max(len(str(abs(value.numerator) // value.denominator)), 1) + DECIMAL_PLACES + 2
        quotient = Decimal(value.numerator) / Decimal(value.denominator)
        return quotient.quantize(Decimal(1).scaleb(-DECIMAL_PLACES), rounding=ROUND_HALF_UP)


def exact_text(value: Fraction) -> str:
    """The JSON text of a number: its exact decimal, or ``"p/q"`` when it does not terminate."""
    if is_terminating(value):
        return str(to_public(value))
    return f"{value.numerator}/{value.denominator}"


def parse_exact(value: object) -> Fraction:
    """A number from JSON or Python (``"94.75"``, ``"350/3"``, an int, Decimal or Fraction).

    >>> parse_exact("x")
    Traceback (most recent call last):
    ...
    ValueError: not an exact number: 'x' (write "94.75" or "350/3")
    """
    if isinstance(value, bool):
        raise ValueError(f"not an exact number: {value!r}")
    if isinstance(value, Fraction | int | Decimal):
        return Fraction(value)
    if isinstance(value, str) and _EXACT_TEXT.fullmatch(value.strip()):
        return Fraction(value.strip())
    raise ValueError(f'not an exact number: {value!r} (write "94.75" or "350/3")')


class _ExactMarker:
    """Pydantic hooks of :data:`Exact`: validate to Fraction, JSON as exact text."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            parse_exact,
            serialization=core_schema.plain_serializer_function_ser_schema(
                exact_text, when_used="json"
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": _EXACT_PATTERN,
            "description": "An exact number: a decimal, or p/q when it does not terminate.",
        }


#: An exact number: a ``Fraction`` in Python, exact text in JSON (see the module docstring).
Exact = Annotated[Fraction, _ExactMarker()]


def _value_in(value: Any) -> Any:
    """A trace or conversion value from JSON (or as given in Python)."""
    if isinstance(value, str) and _EXACT_TEXT.fullmatch(value):
        return Fraction(value)
    if isinstance(value, list | tuple):
        return tuple(_value_in(v) for v in value)
    if isinstance(value, dict):
        if set(value) == {"enum", "name", "text"}:
            return Label(str(value["enum"]), str(value["name"]), str(value["text"]))
        if set(value) == {"lo", "hi"}:
            return TargetRange.model_validate(value)
        return {str(k): _value_in(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return Fraction(value)
    return value


def _value_out(value: Any) -> Any:
    """A trace or conversion value as JSON: numbers as exact text, labels as objects."""
    if isinstance(value, Fraction | Decimal):
        return exact_text(Fraction(value))
    if isinstance(value, Label):
        return {"enum": value.enum, "name": value.name, "text": value.text}
    if isinstance(value, tuple | list):
        return [_value_out(v) for v in value]
    if isinstance(value, dict):
        return {k: _value_out(v) for k, v in value.items()}
    if isinstance(value, TargetRange):
        return {"lo": _value_out(value.lo), "hi": _value_out(value.hi)}
    return value


class _ValueMarker:
    """Pydantic hooks of :data:`ResultValue`."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _value_in,
            serialization=core_schema.plain_serializer_function_ser_schema(
                _value_out, when_used="json"
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        number = {"type": "string", "pattern": _EXACT_PATTERN}
        label = {
            "type": "object",
            "properties": {k: {"type": "string"} for k in ("enum", "name", "text")},
            "required": ["enum", "name", "text"],
            "additionalProperties": False,
        }
        span = {
            "type": "object",
            "properties": {"lo": number, "hi": number},
            "required": ["lo", "hi"],
            "additionalProperties": False,
        }
        return {
            "description": "A value the rules computed: an exact number, a label, a target "
            "range, a truth value, text, a list of them, or null.",
            "anyOf": [
                number,
                label,
                span,
                {"type": "boolean"},
                {"type": "string"},
                {"type": "array"},
                {"type": "null"},
            ],
        }


#: A value of the rules (number, label, range, boolean, tuple): exact in Python and JSON.
ResultValue = Annotated[Any, _ValueMarker()]

_setattr = object.__setattr__


class _Marker:
    """A placeholder in :meth:`Record.build`'s template, compared by identity only."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return self.name


_REQUIRED = _Marker("<required>")
#: Field names in order, a template of every field, the default factories, required names.
_Layout = tuple[tuple[str, ...], dict[str, Any], dict[str, Any], frozenset[str]]
_FACTORY = _Marker("<factory>")


#: Distinct sets of given fields kept per record class (beyond: built, not shared).
_MAX_SHARED_SETS = 256


class BuiltFields(set[str]):
    """The ``model_fields_set`` of a record made by :meth:`Record.build`: shared by every
    record of its class built with the same fields, hence read-only.

    Why: a set per record is an object the garbage collector scans again and again while
    results are kept (the batch path builds millions). A frozen record's set never changes
    (pydantic copies it, as a plain set, before ``model_copy`` updates it), so sharing it
    changes no result; changing it in place is refused instead of leaking into others.

    >>> import copy
    >>> fields = BuiltFields({"what"})
    >>> fields == {"what"}, copy.copy(fields) | {"reason"} == {"what", "reason"}
    (True, True)
    >>> type(copy.copy(fields)), fields
    (<class 'set'>, {'what'})
    >>> fields.add("reason")
    Traceback (most recent call last):
    ...
    TypeError: the fields set of a built record is shared: change a copy (set(...))
    """

    __slots__ = ()

    def _refuse(self, *args: Any) -> Any:
        raise TypeError("the fields set of a built record is shared: change a copy (set(...))")

    add = discard = remove = pop = clear = update = _refuse
    difference_update = intersection_update = symmetric_difference_update = _refuse
    __ior__ = __iand__ = __isub__ = __ixor__ = _refuse

    def union_update(self, names: Iterable[str]) -> None:
        """Fill the set while it is being made (before any record shares it)."""
        set.update(self, names)

    def __copy__(self) -> set[str]:
        return set(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> set[str]:
        return set(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return (set, (list(self),))  # a pickled record comes back with a plain set

    def __repr__(self) -> str:
        return repr(set(self))


class Record(BaseModel):
    """Base of the result records: frozen, no unknown fields, positional like a dataclass.

    ``Record(...)`` validates (an edge: a caller's data); :meth:`build` does not (the
    pipeline's own values, already exact and typed).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)

    #: Per class: field names in order, a template of every field (its default, or a marker
    #: for a required field or one with a default factory), and the factories.
    _layout: ClassVar[dict[type, _Layout]] = {}
    #: Per class: its generated builder (classes are long-lived: one entry each).
    _builders: ClassVar[dict[type, Callable[..., Any]]] = {}

    #: What the JSON leaves out unless ``trace=True`` (pydantic's ``exclude`` form).
    _untraced: ClassVar[Mapping[str, Any]] = {}

    def model_dump_json(self, *, trace: bool = False, **kwargs: Any) -> str:
        """The typed JSON (exact numbers as text); an appraisal's trace only when ``trace``.

        Other keywords are pydantic's; an ``exclude`` given is kept, the trace added to it.
        """
        require(trace, bool, f"{type(self).__name__}.model_dump_json", "trace")
        if not trace and self._untraced:
            exclude = kwargs.get("exclude")
            if exclude is None:
                kwargs["exclude"] = dict(self._untraced)
            elif isinstance(exclude, Mapping):
                kwargs["exclude"] = {**exclude, **self._untraced}
            else:
                kwargs["exclude"] = {**dict.fromkeys(exclude, True), **self._untraced}
        return super().model_dump_json(**kwargs)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args:
            names = tuple(type(self).model_fields)
            if len(args) > len(names):
                raise TypeError(f"{type(self).__name__} takes at most {len(names)} arguments")
            for name, value in zip(names, args, strict=False):
                if name in kwargs:
                    raise TypeError(f"{type(self).__name__} got '{name}' twice")
                kwargs[name] = value
        super().__init__(**kwargs)

    @classmethod
    def _fields_layout(cls) -> _Layout:
        layout = Record._layout.get(cls)
        if layout is None:
            template: dict[str, Any] = {}
            factories: dict[str, Callable[[], Any]] = {}
            required: set[str] = set()
            for name, info in cls.model_fields.items():
                if info.default_factory is not None:
                    factories[name] = info.default_factory  # type: ignore[assignment]
                    template[name] = _FACTORY
                elif info.default is PydanticUndefined:
                    template[name] = _REQUIRED
                    required.add(name)
                else:
                    template[name] = info.default
            layout = (tuple(cls.model_fields), template, factories, frozenset(required))
            Record._layout[cls] = layout
        return layout

    @classmethod
    def build(cls, *args: Any, **kwargs: Any) -> Self:
        """A record from trusted values, positional or by name, without validation.

        >>> from kinerja_engine.scoring.results import OverrideRecord
        >>> OverrideRecord.build("predikat", "uji").model_fields_set == {"what", "reason"}
        True
        """
        fast = Record._builders.get(cls) or cls._make_builder()
        try:
            return fast(cls, *args, **kwargs)  # type: ignore[no-any-return]
        except TypeError:
            # A wrong call (unknown or missing field): the checked path says which.
            return cls._build_checked(args, kwargs)

    @classmethod
    def builder(cls) -> Callable[..., Self]:
        """:meth:`build` without its checks, for a hot loop: call it as ``fn(cls, *fields)``
        with every required field; a wrong call raises Python's own TypeError.

        >>> from kinerja_engine.scoring.results import OverrideRecord
        >>> make = OverrideRecord.builder()
        >>> make(OverrideRecord, "predikat", "uji") == OverrideRecord.build("predikat", "uji")
        True
        """
        return Record._builders.get(cls) or cls._make_builder()

    @classmethod
    def _make_builder(cls) -> Callable[..., Any]:
        """Generate this class's builder: one Python function whose parameters are the fields
        (required ones without default), so the interpreter binds the arguments and a build
        costs one call, one dict display and four slot writes (about a third of the
        generic path: the batch path builds about eight records per employee)."""
        names, template, factories, required = cls._fields_layout()
        optional = [n for n in names if n not in required]
        shared: dict[int, BuiltFields] = {}

        def fields_of(key: int) -> BuiltFields:
            # The set of the fields given (bit i: optional field i), shared by every record
            # of this class built with the same ones; bounded (2**len(optional) at most).
            given = BuiltFields(required)
            given.union_update(n for i, n in enumerate(optional) if key >> i & 1)
            if len(shared) < _MAX_SHARED_SETS:
                shared[key] = given
            return given

        env: dict[str, Any] = {
            "_sa": _setattr,
            "_M": _FACTORY,
            "_R": _REQUIRED,
            "_new": cls.__new__,
            "_get": shared.get,
            "_sets": fields_of,
        }
        params, lines = ["_cls"], []
        defaulted = False
        for i, name in enumerate(names):
            if name in required:
                if defaulted:  # Python's rule: a marker default, missing raises (falls back)
                    params.append(f"{name}=_R")
                    lines.append(f"    if {name} is _R: raise TypeError({name!r})")
                else:
                    params.append(name)
                continue
            defaulted = True
            params.append(f"{name}=_M")
            if name in factories:
                env[f"_d{i}"] = factories[name]
                lines.append(f"    if {name} is _M: {name} = _d{i}()")
            else:
                env[f"_d{i}"] = template[name]
                lines.append(f"    if {name} is _M: {name} = _d{i}")
            lines.append(f"    else: _k |= {1 << optional.index(name)}")
        values = ", ".join(f"{n!r}: {n}" for n in names)
        source = "\n".join(
            [
                f"def build({', '.join(params)}):",
                "    _k = 0",
                *lines,
                "    _fs = _get(_k) or _sets(_k)",
                "    _obj = _new(_cls)",
                f"    _sa(_obj, '__dict__', {{{values}}})",
                "    _sa(_obj, '__pydantic_fields_set__', _fs)",
                "    _sa(_obj, '__pydantic_extra__', None)",
                "    _sa(_obj, '__pydantic_private__', None)",
                "    return _obj",
            ]
        )
        exec(compile(source, f"<{cls.__name__}.build>", "exec"), env)
        fn: Callable[..., Any] = env["build"]
        Record._builders[cls] = fn
        return fn

    @classmethod
    def _build_checked(cls, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Self:
        """:meth:`build` the generic way, with an error naming a wrong field."""
        layout = Record._layout.get(cls)
        names, template, factories, required = layout or cls._fields_layout()
        # One dict copy in field order (repr and iteration follow it, as after validation),
        # then C-level updates and set tests: the batch path builds millions of records.
        values = template.copy()
        if len(args) > len(names):
            raise TypeError(f"{cls.__name__}.build takes at most {len(names)} arguments")
        values.update(zip(names, args, strict=False))
        values.update(kwargs)
        given = set(names[: len(args)])
        given.update(kwargs)
        if len(values) != len(names):
            unknown = sorted(set(values) - set(names))
            raise TypeError(f"{cls.__name__}.build: unknown field {unknown[0]!r}")
        if not given >= required:
            missing = sorted(required - given)
            raise TypeError(f"{cls.__name__}.build: missing field '{missing[0]}'")
        for name, factory in factories.items():
            if values[name] is _FACTORY:
                values[name] = factory()
        obj = cls.__new__(cls)
        _setattr(obj, "__dict__", values)
        _setattr(obj, "__pydantic_fields_set__", given)
        _setattr(obj, "__pydantic_extra__", None)
        _setattr(obj, "__pydantic_private__", None)
        return obj
