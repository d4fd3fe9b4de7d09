"""The FastAPI service example (``examples/service/app.py``, issue 14 item 1), through FastAPI's
TestClient: every answer is recomputed here through the library's API; hostile rulebooks are
refused by counted work (the parser, compiler and scorer calls made), never by a clock.

Skipped when the ``service`` extra (fastapi, httpx) is not installed; ``.ci/run`` installs it.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the service example needs the [service] extra (fastapi)")
pytest.importorskip("httpx", reason="FastAPI's TestClient needs the [service] extra (httpx)")

with warnings.catch_warnings():
    # Starlette 1.x suggests httpx2 for its TestClient; httpx (the [service] extra) still works.
    warnings.filterwarnings("ignore", message="Using `httpx` with")
    from fastapi.testclient import TestClient

from kinerja_engine import (
    Appraisal,
    CheckError,
    KinerjaError,
    Rulebook,
    WhatIf,
    appraise,
    rulebooks,
    what_if,
)
from kinerja_engine.language import formula as formula_module
from kinerja_engine.language.cost import MAX_WORK
from kinerja_engine.models import example_plan

APP = Path(__file__).resolve().parent.parent / "examples" / "service" / "app.py"


def _load_app() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kinerja_service_example", APP)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered first: FastAPI resolves the app's (postponed) annotations through it.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


SERVICE = _load_app()
BOOK = rulebooks.load("gajahmungkur")


@pytest.fixture
def client() -> Iterator[TestClient]:
    SERVICE._compiled.cache_clear()
    with TestClient(SERVICE.app) as test_client:
        yield test_client


def _plan() -> dict[str, Any]:
    return example_plan().model_dump(mode="json")


def _counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    """Replace ``owner.name`` by a wrapper that counts its calls; the count list."""
    calls: list[int] = []
    original: Callable[..., Any] = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


# --------------------------------------------------------------------------- endpoints


def test_rulebooks_lists_every_bundled_rulebook(client: TestClient) -> None:
    response = client.get("/rulebooks")
    assert response.status_code == 200
    listed = {item["name"]: item for item in response.json()}
    assert sorted(listed) == sorted(rulebooks.names())
    for name, item in listed.items():
        book = rulebooks.load(name)
        assert item["version"] == book.version
        assert item["cites"] == list(book.cites)
        assert item["definitions"] == len(list(book))


def test_appraise_returns_the_typed_appraisal(client: TestClient) -> None:
    response = client.post("/appraise", json={"plan": _plan(), "rulebook": "gajahmungkur"})
    assert response.status_code == 200, response.text
    assert "trace" not in response.json()
    expected = appraise(example_plan(), BOOK)
    assert Appraisal.model_validate_json(response.text) == expected
    # The result schema the service publishes is the library's own.
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    assert set(Appraisal.model_json_schema()["properties"]) - {"trace"} <= set(
        schema["Appraisal"]["properties"]
    )


def test_appraise_under_the_callers_own_rulebook(client: TestClient) -> None:
    text = (
        'rulebook "kantor" version "1"\nextends "gajahmungkur"\n'
        f"param batas_capaian = {BOOK.parameters['batas_capaian'] - 10}\n"
    )
    response = client.post("/appraise", json={"plan": _plan(), "rulebook_text": text})
    assert response.status_code == 200, response.text
    own = rulebooks.load(text)
    assert Appraisal.model_validate_json(response.text) == appraise(example_plan(), own)
    assert response.json()["rulebook"] == appraise(example_plan(), own).rulebook


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        (lambda p: p["employee"].update(nip="123"), ["body", "plan", "employee", "nip"]),
        (lambda p: p.pop("rhk"), ["body", "plan", "rhk"]),
        (lambda p: p["rhk"][0]["indicators"][0].update(target="abc"), ["body", "plan", "rhk"]),
    ],
    ids=["nip", "missing-rhk", "target"],
)
def test_bad_plan_is_a_422_naming_the_field(
    client: TestClient, change: Callable[[dict[str, Any]], Any], loc: list[str]
) -> None:
    plan = _plan()
    change(plan)
    response = client.post("/appraise", json={"plan": plan, "rulebook": "gajahmungkur"})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert any(item["loc"][: len(loc)] == loc for item in detail), detail


def test_the_rulebook_is_named_exactly_once(client: TestClient) -> None:
    for body in ({"plan": _plan()}, {"plan": _plan(), "rulebook": "gajahmungkur",
                                     "rulebook_text": 'rulebook "x"'}):  # fmt: skip
        response = client.post("/appraise", json=body)
        assert response.status_code == 422
        assert "'rulebook'" in response.text and "'rulebook_text'" in response.text
    response = client.post("/appraise", json={"plan": _plan(), "rulebook": "gajahmungkr"})
    assert response.status_code == 404
    assert "gajahmungkur" in response.json()["detail"][0]["msg"]


def test_a_kinerja_error_is_a_422_with_its_position(client: TestClient) -> None:
    text = 'rulebook "r"\nconst a = 1 +\n'
    with pytest.raises(KinerjaError) as caught:
        rulebooks.load(text)
    response = client.post("/appraise", json={"plan": _plan(), "rulebook_text": text})
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["type"] == type(caught.value).__name__
    assert detail["msg"] == caught.value.message
    (where,) = detail["diagnostics"]
    assert (where["line"], where["column"]) == (caught.value.line, caught.value.column)


def test_check_lists_every_diagnostic_with_line_and_column(client: TestClient) -> None:
    text = 'rulebook "r"\nconst a = b + 1\ndef f(x) = clam(x, 0, 1)\nconst c = a + d\n'
    with pytest.raises(CheckError) as caught:
        Rulebook.parse(text)
    response = client.post("/check", json={"text": text})
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False
    expected = [
        (d.message, d.span.line, d.span.column, d.hint)
        for d in caught.value.diagnostics
        if d.span is not None
    ]
    assert len(expected) == 3
    got = [(d["message"], d["line"], d["column"], d["hint"]) for d in body["diagnostics"]]
    assert got == expected
    assert all("^" in d["snippet"] for d in body["diagnostics"])


def test_check_accepts_a_bundled_text_and_lists_its_definitions(client: TestClient) -> None:
    text = rulebooks.source("permenpanrb-6-2022")
    response = client.post("/check", json={"text": text})
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert [d["name"] for d in body["definitions"]] == list(rulebooks.load(text))


def test_check_a_formula(client: TestClient) -> None:
    ok = client.post("/check", json={"text": "cap(realisasi / target, 120%) * 100",
                                     "kind": "formula"}).json()  # fmt: skip
    assert ok["ok"] is True
    assert [(d["name"], d["type"]) for d in ok["definitions"]] == [
        ("realisasi", "number"), ("target", "number")]  # fmt: skip
    bad = client.post("/check", json={"text": "realisasi / (target", "kind": "formula"}).json()
    assert bad["ok"] is False
    (diagnostic,) = bad["diagnostics"]
    assert (diagnostic["line"], diagnostic["column"]) == (1, 20)
    with_book = client.post("/check", json={"text": "capaian_higher(90, 100)", "kind": "formula",
                                            "rulebook": "gajahmungkur"}).json()  # fmt: skip
    assert with_book["ok"] is True


def test_what_if_lists_the_changes(client: TestClient) -> None:
    body = {"plan": _plan(), "rulebook": "gajahmungkur", "realisasi": {"i2": "85"}}
    response = client.post("/what-if", json=body)
    assert response.status_code == 200, response.text
    expected = what_if(example_plan(), BOOK, realisasi={"i2": "85"})
    assert expected.changes
    assert WhatIf.model_validate_json(response.text) == expected
    bad = client.post("/what-if", json={**body, "realisasi": {"i2": "banyak"}})
    assert bad.status_code == 422
    assert "banyak" in bad.text


# --------------------------------------------------------------------------- hostile text


def _matrix(members: int) -> str:
    names = [f"m{i}" for i in range(members)]
    rows = ",\n".join(f"    {a}, {b} -> {i}" for i, (a, b) in
                      enumerate((a, b) for a in names for b in names))  # fmt: skip
    return (f'rulebook "besar"\nenum e {{ {", ".join(names)} }}\n'
            f"matrix t(a: e, b: e) {{\n{rows}\n}}\n")  # fmt: skip


def test_a_40kb_matrix_is_refused_before_it_is_parsed(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _matrix(50)
    assert len(text.encode()) > 40_000
    parsed = _counting(monkeypatch, formula_module, "parse_rulebook")
    loaded = _counting(monkeypatch, rulebooks, "load")
    for path, body in (("/check", {"text": text}),
                       ("/appraise", {"plan": _plan(), "rulebook_text": text})):  # fmt: skip
        response = client.post(path, json=body)
        assert response.status_code == 413
        assert f"{SERVICE.MAX_RULEBOOK_BYTES:,}" in response.json()["detail"][0]["msg"]
    assert parsed == [] and loaded == []


def _chain(depth: int) -> str:
    lines = ['rulebook "kipas"', "def f0(x) = x + 1"]
    lines += [f"def f{i}(x) = f{i - 1}(x) + f{i - 1}(x)" for i in range(1, depth + 1)]
    return "\n".join(lines) + "\n"


def test_call_fan_out_is_refused_by_the_checker_before_compiling(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _chain(30)  # 2**30 calls of f0 if it ran
    compiled = _counting(monkeypatch, formula_module, "compile_rulebook")
    scored = _counting(monkeypatch, SERVICE, "appraise")
    body = client.post("/check", json={"text": text}).json()
    assert body["ok"] is False
    assert any(f"{MAX_WORK:,}" in d["message"] for d in body["diagnostics"])
    assert all(d["line"] is not None for d in body["diagnostics"])
    response = client.post("/appraise", json={"plan": _plan(), "rulebook_text": text})
    assert response.status_code == 422
    assert compiled == [] and scored == []


def test_the_service_bounds_work_per_call_more_tightly(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The shortest chain the language accepts but whose proven work this service refuses.
    def work_of(depth: int) -> int:
        return int(Rulebook.parse(_chain(depth)).checked.work[f"f{depth}"])

    depth = next(d for d in range(1, 30) if work_of(d) > SERVICE.MAX_WORK_PER_CALL)
    work = work_of(depth)
    assert SERVICE.MAX_WORK_PER_CALL < work <= MAX_WORK
    scored = _counting(monkeypatch, SERVICE, "appraise")
    body = client.post("/check", json={"text": _chain(depth)}).json()
    assert body["ok"] is False
    assert f"'f{depth}' may take {work:,} steps" in body["diagnostics"][0]["message"]
    response = client.post("/appraise", json={"plan": _plan(), "rulebook_text": _chain(depth)})
    assert response.status_code == 422
    assert scored == []
    # One step shorter is accepted and scores.
    assert client.post("/check", json={"text": _chain(depth - 1)}).json()["ok"] is True


def test_deep_nesting_is_refused_with_a_position(client: TestClient) -> None:
    text = 'rulebook "dalam"\nconst a = ' + "(" * 150 + "1" + ")" * 150 + "\n"
    body = client.post("/check", json={"text": text}).json()
    assert body["ok"] is False
    (diagnostic,) = body["diagnostics"]
    assert diagnostic["line"] == 2 and diagnostic["column"] is not None


def test_a_body_over_the_limit_is_refused_unread(client: TestClient) -> None:
    payload = json.dumps({"text": "x" * (SERVICE.MAX_BODY_BYTES + 1)})
    response = client.post("/check", content=payload, headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_a_one_line_text_is_never_read_as_a_server_file(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "rahasia.kinerja"
    secret.write_text('rulebook "rahasia"\nconst kunci = 42\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for text in (str(secret), "rahasia.kinerja"):
        body = client.post("/check", json={"text": text}).json()
        assert body["ok"] is False
        assert "kunci" not in json.dumps(body)


# --------------------------------------------------------------------------- review rv3


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_a_non_finite_json_number_is_a_422_not_a_500(client: TestClient, literal: str) -> None:
    """Python's JSON reads ``NaN``; FastAPI echoed it in the 422, which could not be written."""
    body = json.dumps({"plan": _plan(), "rulebook": "gajahmungkur"})
    body = body.replace('"value": "3.5"', f'"value": {literal}')
    assert literal in body
    response = client.post("/appraise", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "plan", "realisations", 0, "value"]


def test_a_lone_surrogate_is_a_4xx_not_a_500(client: TestClient) -> None:
    headers = {"content-type": "application/json"}
    check = client.post("/check", content=b'{"text": "a\\ud800", "kind": "formula"}',
                        headers=headers)  # fmt: skip
    assert check.status_code == 200
    assert check.json()["ok"] is False
    assert "lone surrogate" in check.json()["diagnostics"][0]["message"]
    text = json.dumps({"plan": _plan(), "rulebook_text": 'rulebook "\\ud800" version "1"'})
    book = client.post("/appraise", content=text, headers=headers)
    assert book.status_code == 422
    named = json.dumps({"plan": _plan(), "rulebook": "gajahmungkur"}).replace('"Budi"', '"\\ud800"')
    plan = client.post("/appraise", content=named, headers=headers)
    assert plan.status_code == 422
    assert plan.json()["detail"][0]["loc"] == ["body", "plan", "employee", "name"]


def test_a_chunked_body_over_the_limit_is_refused_as_it_arrives(client: TestClient) -> None:
    # Found by review rv3: without a Content-Length, a 600 KB body was read whole.
    chunk = b"x" * 50_000

    def body() -> Iterator[bytes]:  # no Content-Length: sent in chunks
        for _ in range(12):
            yield chunk

    response = client.post("/check", content=body(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert f"{SERVICE.MAX_BODY_BYTES:,}" in response.json()["detail"][0]["msg"]
    small = json.dumps({"text": "def f(x) = x"}).encode()
    response = client.post(
        "/check", content=iter([small]), headers={"content-type": "application/json"}
    )
    assert response.status_code == 200
