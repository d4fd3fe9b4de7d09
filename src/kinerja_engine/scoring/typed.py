"""The typed contract of every result record: a frozen pydantic base and its value types.

Input: the values the pipeline computed (exact ``Fraction`` numbers, :class:`Label` members,
target ranges, text). Output: :class:`Record`, the base of every result class (frozen,
``extra="forbid"``, a published JSON Schema), the annotated number type :data:`Exact` (a
:class:`~.number.Number`), the open value types :data:`ResultValue` and :data:`TraceValue`,
the statuses :class:`AppraisalStatus` and :class:`IndicatorStatus`; the number helpers of
:mod:`.number` (:func:`decimal_view`, :func:`exact_text`, :func:`parse_exact`) are re-exported.

Guarantees:

- Nothing is validated inside the pipeline: :meth:`Record.build` makes a record without
  validation (the batch path builds millions); validation happens at the edges only
  (``__init__``, ``model_validate``, ``model_validate_json``). A built record's
  ``model_fields_set`` is a shared, read-only :class:`BuiltFields` (one per class and set of
  fields given, not one per record).
- Numbers are Decimals and stay exact. In Python an :data:`Exact` field holds a
  :class:`~.number.Number`, a ``Decimal``: exact when the value terminates, otherwise
  rounded half up to :data:`DECIMAL_PLACES` places, its exact ``Fraction`` in ``.exact``
  (equality and hashing use it); so are the numbers in a :data:`ResultValue` (a target, a
  conversion), while the trace's :data:`TraceValue` keeps the pipeline's Fractions. Every
  record gets them where it is made: :meth:`Record.build` and ``model_copy(update=...)``
  convert what the pipeline gives (Fractions), validation converts what a caller gives. In
  JSON a number is a string: the exact decimal when it terminates (``"94.75"``), the exact
  fraction otherwise (``"350/3"``), so ``model_validate_json(model_dump_json())`` loses
  nothing.

>>> from fractions import Fraction
>>> decimal_view(Fraction(3, 8)), decimal_view(Fraction(2, 3))
(Decimal('0.375'), Decimal('0.6666666667'))
>>> exact_text(Fraction(350, 3)), exact_text(Fraction(9475, 100)), parse_exact("350/3")
('350/3', '94.75', Fraction(350, 3))
>>> AppraisalStatus.COMPLETE == "complete", AppraisalStatus("error")
(True, 'error')
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Annotated, Any, ClassVar, Self, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticUndefined, core_schema

from ..arguments import require
from ..models import TargetRange
from ..values import Label
from .number import (
    DECIMAL_PLACES,
    EXACT_TEXT,
    Number,
    decimal_view,
    exact_text,
    number_text,
    parse_exact,
    parse_number,
    to_number,
)

__all__ = [
    "DECIMAL_PLACES",
    "AppraisalStatus",
    "BuiltFields",
    "Exact",
    "IndicatorStatus",
    "Number",
    "Record",
    "ResultValue",
    "TraceValue",
    "decimal_view",
    "exact_text",
    "parse_exact",
    "parse_number",
    "result_value",
]

_EXACT_PATTERN = r"^(-?[0-9]+(\.[0-9]+)?|-?[0-9]+/[0-9]+)$"


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


def _number_json(value: Any) -> str:
    return number_text(value) if type(value) is Number else exact_text(Fraction(value))


class _ExactMarker:
    """Pydantic hooks of :data:`Exact`: validate to Number, JSON as exact text."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            parse_number,
            serialization=core_schema.plain_serializer_function_ser_schema(
                _number_json, when_used="json"
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


#: A result number: a :class:`~.number.Number` (a Decimal that keeps its exact value) in
#: Python, exact text in JSON (see the module docstring).
Exact = Annotated[Number, _ExactMarker()]


def result_value(value: Any) -> Any:
    """A value of the rules as a result holds it: numbers (also in tuples) as Numbers.

    >>> result_value((Fraction(1, 4), Label("rating", "sesuai", "Sesuai Ekspektasi"), True))
    (Number('0.25'), Label(rating.sesuai), True)
    """
    kind = type(value)
    if kind is Fraction or kind is Decimal or kind is int:
        return to_number(value)
    if kind is tuple:
        return tuple(result_value(v) for v in value)
    return value


def _value_in(value: Any, numbers: bool = True) -> Any:
    """A result (``numbers``: numbers as Numbers) or trace value (numbers as Fractions)
    from JSON, or as given in Python."""
    if isinstance(value, str) and EXACT_TEXT.fullmatch(value):
        return to_number(Fraction(value)) if numbers else Fraction(value)
    if isinstance(value, list | tuple):
        return tuple(_value_in(v, numbers) for v in value)
    if isinstance(value, dict):
        if set(value) == {"enum", "name", "text"}:
            return Label(str(value["enum"]), str(value["name"]), str(value["text"]))
        if set(value) == {"lo", "hi"}:
            return TargetRange.model_validate(value)
        return {str(k): _value_in(v, numbers) for k, v in value.items()}
    if isinstance(value, Number):
        return value if numbers else value.exact
    if isinstance(value, Decimal | Fraction) or (type(value) is int and numbers):
        return to_number(value) if numbers else Fraction(value)
    return value


def _trace_in(value: Any) -> Any:
    return _value_in(value, numbers=False)


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
    """Pydantic hooks of :data:`ResultValue` (``numbers``) and :data:`TraceValue`."""

    def __init__(self, numbers: bool) -> None:
        self.numbers = numbers

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _value_in if self.numbers else _trace_in,
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


#: A value of the rules (number, label, range, boolean, tuple): exact in Python and JSON;
#: its numbers are Numbers (as :data:`Exact`).
ResultValue = Annotated[Any, _ValueMarker(numbers=True)]
#: A value of the trace (:class:`~.results.Step`): as :data:`ResultValue`, but numbers stay
#: the pipeline's exact Fractions (the trace is how a result was found, built per step).
TraceValue = Annotated[Any, _ValueMarker(numbers=False)]


def _number_map(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return {k: to_number(v) for k, v in value.items()}


def _value_map(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return {k: result_value(v) for k, v in value.items()}


def _kind(annotation: Any, metadata: Iterable[Any] = ()) -> str | None:
    """How :meth:`Record.build` converts a field: ``number`` (an :data:`Exact`, maybe None),
    ``value`` (a :data:`ResultValue`), ``numbers``/``values`` (a mapping of them), or None."""
    for marker in metadata:
        if isinstance(marker, _ExactMarker):
            return "number"
        if isinstance(marker, _ValueMarker):
            return "value" if marker.numbers else None
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *more = get_args(annotation)
        return _kind(inner, more)
    if origin is Union or origin is types.UnionType:
        kinds = {_kind(a) for a in get_args(annotation) if a is not type(None)}
        return kinds.pop() if len(kinds) == 1 else None
    if origin is Mapping or origin is dict:
        inner_kind = _kind(get_args(annotation)[1])
        return {"number": "numbers", "value": "values"}.get(inner_kind or "")
    return None


_CONVERT: dict[str, Callable[[Any], Any]] = {
    "number": to_number,
    "value": result_value,
    "numbers": _number_map,
    "values": _value_map,
}

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
    #: Per class: the fields whose numbers become Numbers, and how (see :func:`_kind`).
    _conversions: ClassVar[dict[type, dict[str, str]]] = {}

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
    def _number_fields(cls) -> dict[str, str]:
        found = Record._conversions.get(cls)
        if found is None:
            found = {}
            for name, info in cls.model_fields.items():
                kind = _kind(info.annotation, info.metadata)
                if kind is not None:
                    found[name] = kind
            Record._conversions[cls] = found
        return found

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """Pydantic's copy; numbers given in ``update`` become Numbers, as in :meth:`build`.

        >>> from kinerja_engine.scoring.results import BandMatch
        >>> match = BandMatch.build(Fraction(1, 2), None, False, None, False)
        >>> match.model_copy(update={"value": Fraction(1, 3)}).value
        Number('0.3333333333', exact='1/3')
        """
        if update:
            kinds = self._number_fields()
            update = {
                k: v if v is None or k not in kinds else _CONVERT[kinds[k]](v)
                for k, v in update.items()
            }
        return super().model_copy(update=update, deep=deep)

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
        kinds = cls._number_fields()
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
            "_N": Number,
            "_L": Label,
            **{f"_c_{kind}": fn for kind, fn in _CONVERT.items()},
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
        # Numbers become Numbers here, once per record (the pipeline gives Fractions).
        for name, kind in kinds.items():
            if kind == "number":
                lines.append(f"    if {name} is not None and {name}.__class__ is not _N: "
                             f"{name} = _c_number({name})")  # fmt: skip
            elif kind == "value":
                lines.append(f"    if {name} is not None and {name}.__class__ is not _L: "
                             f"{name} = _c_value({name})")  # fmt: skip
            else:
                lines.append(f"    if {name}: {name} = _c_{kind}({name})")
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
        for name, kind in cls._number_fields().items():
            if values[name] is not None:
                values[name] = _CONVERT[kind](values[name])
        obj = cls.__new__(cls)
        _setattr(obj, "__dict__", values)
        _setattr(obj, "__pydantic_fields_set__", given)
        _setattr(obj, "__pydantic_extra__", None)
        _setattr(obj, "__pydantic_private__", None)
        return obj
