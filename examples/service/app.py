"""kinerja_engine as a web service: appraise, check rule text, what-if, list the rulebooks.

What it shows:

* ``POST /appraise``: a plan (SKP) in, the typed :class:`~kinerja_engine.Appraisal` out
  (``response_model`` is the library's own result model, so the OpenAPI schema at
  ``/openapi.json`` is the published result schema);
* ``POST /check``: rule text in (a rulebook or a one-line formula), every diagnostic out with
  its line and column, the caret snippet and the hint;
* ``POST /what-if``: a plan and changed realisasi, targets or weights in, every change out
  (:class:`~kinerja_engine.WhatIf`);
* ``GET /rulebooks``: the bundled rulebooks with their version and citations;
* a rulebook the caller writes is bounded before anything runs: its size
  (:data:`MAX_RULEBOOK_BYTES`, refused before parsing), the language's own limits on depth,
  nodes and proven work (``kinerja_engine.language.limits``, ``language.cost.MAX_WORK``), and
  a tighter work bound per call for this service (:data:`MAX_WORK_PER_CALL`); so one request
  cannot stall the service, and a refused text says why (4xx), never a 500;
* errors: a malformed body is FastAPI's 422 naming the field (``loc``); a
  :class:`~kinerja_engine.KinerjaError` is a 422 (413 for a text or body over the size
  bounds, 404 for an unknown rulebook name) with the error's message, field, line and column.

Run it (``pip install -e ".[service]"`` and ``pip install uvicorn``), from the repository
root::

    uvicorn examples.service.app:app --reload
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any, Final, Literal

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from kinerja_engine import (
    Appraisal,
    CheckError,
    Diagnostic,
    Formula,
    KinerjaError,
    LimitError,
    ModelError,
    Plan,
    Rulebook,
    UsageError,
    WhatIf,
    appraise,
    rulebooks,
    what_if,
)
from kinerja_engine.language.cost import MAX_WORK

#: Largest rulebook text this service reads, in UTF-8 bytes: a whole regulation is well under
#: 20 KB (the bundled ones are at most 13 KB), so a larger text is refused before it is parsed.
MAX_RULEBOOK_BYTES: Final = 24_000
#: Largest formula text, in UTF-8 bytes (an admin form's formula is a line or two).
MAX_FORMULA_BYTES: Final = 2_000
#: Most evaluation steps one call of any definition may take, proven by the checker before the
#: rulebook runs (the bundled rulebooks need at most 117; the language itself allows
#: ``MAX_WORK``): one appraisal calls a few dozen definitions, so its work stays bounded.
MAX_WORK_PER_CALL: Final = 10_000
#: Largest request body, by its declared length: a plan with its rulebook text is a few KB.
MAX_BODY_BYTES: Final = 256_000
#: Most compiled rulebooks kept between requests (by text), so a client sending the same
#: rulebook with every plan does not pay for checking and compiling it each time.
CACHED_RULEBOOKS: Final = 32


def _too_large(message: str) -> list[dict[str, Any]]:
    return [{"type": "LimitError", "loc": ["body"], "msg": message}]


class BodyLimit:
    """ASGI middleware: stop reading a request body past :data:`MAX_BODY_BYTES`.

    A chunked body declares no length, so :func:`bounded_body` cannot refuse it up front; this
    counts the bytes as the route reads them and raises a 413 ``HTTPException`` at the first
    chunk past the limit, so a client cannot make the service hold a body of any size.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        received = 0

        async def counted() -> Any:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > MAX_BODY_BYTES:
                detail = _too_large(f"the request body is over {MAX_BODY_BYTES:,} bytes")
                raise HTTPException(status_code=413, detail=detail)
            return message

        await self.app(scope, counted, send)


app = FastAPI(
    title="kinerja_engine service",
    summary="Achievement-based appraisal of Indonesian civil servants (ASN), as a web API.",
    version="0.1.0",
)
# Innermost (middleware added later wraps it): an HTTPException raised while the route reads
# the body reaches FastAPI's handlers as it is (inside BaseHTTPMiddleware it would be wrapped).
app.add_middleware(BodyLimit)


# --------------------------------------------------------------------------- models


class DiagnosticOut(BaseModel):
    """One problem in rule text: where it is (1-based line and column) and what to do."""

    message: str
    severity: str = "error"
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    hint: str | None = None
    snippet: str | None = None
    #: The text the position points into, when it is not the caller's (an extended rulebook).
    origin: str | None = None

    @classmethod
    def of(cls, diagnostic: Diagnostic, source: str | None) -> DiagnosticOut:
        span = diagnostic.span
        text = diagnostic.source if diagnostic.source is not None else source
        snippet = None
        if span is not None and text is not None:
            # The caret snippet of the library (the same rendering as the CLI's).
            snippet = KinerjaError(diagnostic.message, span, source=text).snippet()
        return cls(
            message=diagnostic.message,
            severity=diagnostic.severity,
            line=None if span is None else span.line,
            column=None if span is None else span.column,
            end_line=None if span is None else span.end_line,
            end_column=None if span is None else span.end_column,
            hint=diagnostic.hint,
            snippet=snippet,
            origin=diagnostic.origin,
        )


class CheckRequest(BaseModel):
    """Rule text to check: a whole rulebook (the default) or one formula."""

    model_config = ConfigDict(extra="forbid")

    text: str
    kind: Literal["rulebook", "formula"] = "rulebook"
    #: For a formula: a bundled rulebook whose definitions it may call.
    rulebook: str | None = None


class DefinitionOut(BaseModel):
    """A definition of a checked rulebook: its kind, name and type."""

    kind: str
    name: str
    type: str


class CheckResponse(BaseModel):
    """The verdict on the text: ``ok`` when it has no error; every diagnostic either way."""

    ok: bool
    diagnostics: list[DiagnosticOut]
    #: A rulebook's definitions (in order), or a formula's inputs, when the text is accepted.
    definitions: list[DefinitionOut] = Field(default_factory=list)


class RulebookChoice(BaseModel):
    """Which rulebook scores the plan: a bundled one by name, or the caller's own text."""

    model_config = ConfigDict(extra="forbid")

    plan: Plan
    rulebook: str | None = Field(default=None, description="a bundled rulebook's name")
    rulebook_text: str | None = Field(
        default=None, description="the caller's own rulebook (it may extend a bundled one)"
    )

    @model_validator(mode="after")
    def _one_rulebook(self) -> RulebookChoice:
        if (self.rulebook is None) == (self.rulebook_text is None):
            raise ValueError("give exactly one of 'rulebook' (a bundled name) or 'rulebook_text'")
        return self


class AppraiseRequest(RulebookChoice):
    """A plan to appraise and the rulebook to appraise it under."""


#: A number as JSON writes it or as text ("95.5"); converted exactly by the library.
NumberIn = Annotated[Decimal | int | str, Field(union_mode="left_to_right")]


class WhatIfRequest(RulebookChoice):
    """A plan, its rulebook and the numbers to change (by indicator or RHK id)."""

    realisasi: dict[str, NumberIn] | None = None
    targets: dict[str, NumberIn] | None = None
    weights: dict[str, NumberIn] | None = None


class RulebookInfo(BaseModel):
    """A bundled rulebook: its name, version, the regulations it cites, its definitions."""

    name: str
    version: str
    cites: list[str]
    definitions: int


# --------------------------------------------------------------------------- rulebooks


class TooLarge(LimitError):
    """A text over this service's size bounds, refused before it is parsed (HTTP 413)."""


def _refuse_size(text: str, limit: int, what: str) -> None:
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:  # JSON may escape a lone surrogate ("\ud800"): not text
        raise UsageError(f"{what} is not valid Unicode (it holds a lone surrogate)") from None
    if size > limit:
        raise TooLarge(f"{what} is {size:,} bytes; this service reads at most {limit:,}")


@lru_cache(maxsize=CACHED_RULEBOOKS)
def _compiled(text: str) -> Rulebook:
    """The caller's rulebook, checked and compiled once per text (errors are not cached)."""
    # ``from_text``, not ``load``: a caller's text is never taken for a bundled name or a file
    # path on the server, and ``extends`` resolves to bundled rulebooks only.
    book = rulebooks.from_text(text)
    heaviest = max(book.checked.work.items(), key=lambda item: item[1], default=("", 0))
    if heaviest[1] > MAX_WORK_PER_CALL:
        name, work = heaviest
        raise LimitError(
            f"definition '{name}' may take {work:,} steps per call; this service allows "
            f"{MAX_WORK_PER_CALL:,} (the language allows {MAX_WORK:,})"
        )
    return book


def user_rulebook(text: str) -> Rulebook:
    """The caller's rulebook text, bounded: size first (nothing parsed), then the language's
    limits and the checker, then this service's work bound per call."""
    _refuse_size(text, MAX_RULEBOOK_BYTES, "the rulebook text")
    return _compiled(text)


class UnknownRulebook(UsageError):
    """A bundled rulebook's name that is not bundled (HTTP 404)."""


def bundled(name: str) -> Rulebook:
    """A bundled rulebook by its exact name (an unknown name is a 404)."""
    if name not in rulebooks.names():
        known = ", ".join(rulebooks.names())
        raise UnknownRulebook(f"no bundled rulebook '{name}'; bundled: {known}")
    return rulebooks.load(name)


def chosen_rulebook(choice: RulebookChoice) -> Rulebook:
    """The bundled rulebook named, or the caller's own text."""
    if choice.rulebook_text is not None:
        return user_rulebook(choice.rulebook_text)
    assert choice.rulebook is not None  # the request model allows exactly one
    return bundled(choice.rulebook)


# --------------------------------------------------------------------------- errors


@app.middleware("http")
async def bounded_body(request: Request, call_next: Any) -> Any:
    """Refuse a body over :data:`MAX_BODY_BYTES` by its declared length, before reading it
    (a body sent in chunks, without a length, is counted as it arrives: :class:`BodyLimit`)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        message = f"the request body is {int(declared):,} bytes; at most {MAX_BODY_BYTES:,}"
        return JSONResponse(status_code=413, content={"detail": _too_large(message)})
    return await call_next(request)


def _json_safe(value: Any) -> Any:
    """``value`` with what JSON cannot carry made text: a NaN or infinite float (Python's JSON
    reads ``NaN``), a lone surrogate (``"\ud800"``); FastAPI echoes the input in a 422."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {_json_safe(k): _json_safe(v) for k, v in value.items()}
    return value


@app.exception_handler(RequestValidationError)
async def invalid_body(request: Request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's own 422 (``detail``: each error's ``loc``, ``msg`` and ``input``), with the
    echoed input made JSON-safe: a body with ``NaN`` or a lone surrogate was a 500."""
    detail = _json_safe(jsonable_encoder(exc.errors()))
    return JSONResponse(status_code=422, content={"detail": detail})


def _status(exc: KinerjaError) -> int:
    if isinstance(exc, TooLarge):
        return 413
    if isinstance(exc, UnknownRulebook):
        return 404
    return 422


@app.exception_handler(KinerjaError)
async def kinerja_error(request: Request, exc: KinerjaError) -> JSONResponse:
    """A KinerjaError as FastAPI writes validation errors (``detail``: a list with ``loc``
    and ``msg``), plus the error's kind and, for rule text, every diagnostic's position."""
    loc: list[str] = ["body"]
    if isinstance(exc, ModelError) and exc.field:
        loc += ["plan", *exc.field.split(".")]
    detail: dict[str, Any] = {"type": type(exc).__name__, "loc": loc, "msg": exc.message}
    if exc.span is not None or isinstance(exc, CheckError):
        detail["diagnostics"] = [
            DiagnosticOut.of(d, exc.source).model_dump() for d in exc.diagnostics
        ]
    return JSONResponse(status_code=_status(exc), content={"detail": [_json_safe(detail)]})


# --------------------------------------------------------------------------- endpoints


@app.get("/rulebooks")
def list_rulebooks() -> list[RulebookInfo]:
    """The bundled rulebooks."""
    out = []
    for name in rulebooks.names():
        book = rulebooks.load(name)
        out.append(RulebookInfo(name=name, version=book.version, cites=list(book.cites),
                                definitions=len(list(book))))  # fmt: skip
    return out


def _definitions(book: Rulebook) -> list[DefinitionOut]:
    checked = book.checked
    out = []
    for definition in checked.node.definitions:
        name = definition.name
        if name in checked.funcs:
            info = checked.funcs[name]
            params = ", ".join(f"{p}: {t}" for p, t in zip(info.params, info.param_types,
                                                            strict=True))  # fmt: skip
            out.append(DefinitionOut(kind="function", name=name,
                                     type=f"({params}) -> {info.returns}"))  # fmt: skip
        elif name in checked.consts:
            out.append(DefinitionOut(kind="constant", name=name,
                                     type=str(checked.consts[name].type)))  # fmt: skip
        else:
            out.append(DefinitionOut(kind="enum", name=name, type=name))
    return out


@app.post("/check")
def check(request: CheckRequest) -> CheckResponse:
    """Check rule text; a refused text is a 200 with ``ok`` false and its diagnostics (the
    check itself succeeded), a text over the size limit a 413."""
    try:
        if request.kind == "formula":
            _refuse_size(request.text, MAX_FORMULA_BYTES, "the formula")
            base = None if request.rulebook is None else bundled(request.rulebook)
            formula = Formula.parse(request.text, rulebook=base)
            inputs = [DefinitionOut(kind="input", name=n, type=t) for n, t in
                      formula.inputs.items()]  # fmt: skip
            return CheckResponse(ok=True, diagnostics=[], definitions=inputs)
        book = user_rulebook(request.text)
    except KinerjaError as exc:
        if _status(exc) != 422:
            raise  # too large (nothing was read) or an unknown bundled rulebook
        return CheckResponse(ok=False, diagnostics=_diagnostics(exc, request.text))
    warnings = [DiagnosticOut.of(d, request.text) for d in book.warnings]
    return CheckResponse(ok=True, diagnostics=warnings, definitions=_definitions(book))


def _diagnostics(exc: KinerjaError, text: str) -> list[DiagnosticOut]:
    source = exc.source if exc.source is not None else text
    return [DiagnosticOut.of(d, source) for d in exc.diagnostics]


@app.post("/appraise", response_model=Appraisal, response_model_exclude={"trace"})
def appraise_plan(request: AppraiseRequest) -> Appraisal:
    """Appraise one plan; the typed result without its trace."""
    return appraise(request.plan, chosen_rulebook(request), trace=False)


def _numbers(values: Mapping[str, Decimal | int | str] | None) -> dict[str, Any] | None:
    return None if values is None else dict(values)


@app.post(
    "/what-if",
    response_model=WhatIf,
    response_model_exclude={"before": {"trace"}, "after": {"trace"}},
)
def what_if_plan(request: WhatIfRequest) -> WhatIf:
    """Re-score the plan with the changed numbers; every change, step by step."""
    return what_if(
        request.plan,
        chosen_rulebook(request),
        realisasi=_numbers(request.realisasi),
        targets=_numbers(request.targets),
        weights=_numbers(request.weights),
    )
