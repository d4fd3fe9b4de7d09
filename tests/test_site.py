"""The documentation: links that resolve on the repository and in the built site.

Every relative link of README.md and docs/*.md names an existing file (and, for a Markdown
page, an existing heading); the site hook (docs/hooks.py) turns README's links into links of the
site; the getting-started page's examples run; and the site itself builds with ``--strict``
(slow: ``-m slow``), with a page per bundled rulebook and per public package, its source
highlighted by the package's lexer, and every relative link of every built page resolving to a
file of the site.
"""

from __future__ import annotations

import doctest
import importlib.metadata
import importlib.util
import re
import subprocess
import sys
import tomllib
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _outside_code(text: str) -> list[str]:
    lines, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def _slug(heading: str) -> str:
    """Python-Markdown's toc slug (what mkdocs and GitHub both produce for these headings)."""
    text = re.sub(r"`|\*\*|\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def _anchors(path: Path) -> set[str]:
    return {
        _slug(match.group(1))
        for line in _outside_code(path.read_text(encoding="utf-8"))
        if (match := HEADING.match(line))
    }


def _links(path: Path) -> list[str]:
    return [
        target
        for line in _outside_code(path.read_text(encoding="utf-8"))
        for target in LINK.findall(line)
        if not SCHEME.match(target)
    ]


def test_pages_are_found() -> None:
    assert {"getting-started.md", "language.md", "io.md", "editors.md"} <= {p.name for p in PAGES}
    assert sum(len(_links(page)) for page in PAGES) >= 20


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_relative_links_resolve_on_the_repository(page: Path) -> None:
    for target in _links(page):
        path, _, fragment = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        assert resolved.exists(), f"{page.name}: {target} does not exist"
        assert resolved.is_relative_to(ROOT), f"{page.name}: {target} leaves the repository"
        if fragment and resolved.suffix == ".md":
            assert fragment in _anchors(resolved), f"{page.name}: no heading #{fragment}"


def test_readme_links_the_docs_pages() -> None:
    linked = {(ROOT / t.partition("#")[0]).resolve() for t in _links(ROOT / "README.md")}
    guides = {"getting-started", "language", "rulebooks", "io", "testing", "performance"}
    assert {DOCS / f"{name}.md" for name in guides} <= linked


def test_readme_for_the_package_index_has_no_relative_links() -> None:
    # hatch-fancy-pypi-readme applies these substitutions when the package is built.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    hook = project["tool"]["hatch"]["metadata"]["hooks"]["fancy-pypi-readme"]
    assert [f["path"] for f in hook["fragments"]] == ["README.md"]
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in hook["substitutions"]:
        text = re.sub(rule["pattern"], rule["replacement"], text)
    targets = [t for line in _outside_code(text) for t in LINK.findall(line)]
    site = project["project"]["urls"]["Documentation"]
    repo = project["project"]["urls"]["Repository"] + "/blob/main/"
    assert f"{site}getting-started/" in targets
    for target in targets:
        assert SCHEME.match(target) or target.startswith("#"), target
        if target.startswith(site):
            page = target.removeprefix(site).partition("/")[0]
            assert (DOCS / f"{page}.md").exists(), target
        elif target.startswith(repo):
            assert (ROOT / target.removeprefix(repo)).exists(), target


def test_site_and_package_name_the_same_addresses() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    urls = project["project"]["urls"]
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert f"site_url: {urls['Documentation']}\n" in config
    assert f"repo_url: {urls['Repository']}\n" in config


def test_getting_started_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    # The page moves into a temporary folder and back; a failure half-way must not leave the
    # test run there.
    monkeypatch.chdir(ROOT)
    result = doctest.testfile(
        str(DOCS / "getting-started.md"),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        verbose=False,
    )
    assert result.attempted >= 10, "the examples were not found"
    assert result.failed == 0


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, DOCS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docstrings_extension_fences_doctests_and_rewrites_roles() -> None:
    pytest.importorskip("griffe")
    readable = _load("griffe_docstrings").readable
    text = "Uses :class:`~kinerja_engine.Plan` and :func:`appraise`.\n\n    >>> 1\n    1\n\nEnd."
    assert readable(text).splitlines() == [
        "Uses `Plan` and `appraise`.", "", "    ```pycon", "    >>> 1", "    1", "    ```", "",
        "End.",
    ]  # fmt: skip


def test_hook_makes_readme_links_right_for_the_site() -> None:
    pytest.importorskip("mkdocs")
    hooks = _load("hooks")
    repo = "https://example.org/r"
    index = hooks.index_page(DOCS, repo)
    targets = [t for line in _outside_code(index) for t in LINK.findall(line)]
    generated = {f"{hooks.BUNDLED}{n}.md" for n in hooks.rulebook_names()} | {"index.md"}
    for target in targets:
        if SCHEME.match(target):
            assert not target.startswith(repo) or (ROOT / target.split("/main/", 1)[1]).exists()
            continue
        path = target.partition("#")[0]
        assert path in generated or (DOCS / path).exists(), target
    assert "getting-started.md" in targets
    assert f"{repo}/blob/main/bench/README.md" in targets
    # A guide's link out of docs/ goes to the repository, one into docs/ stays relative.
    page = "[a](../examples/puskesmas/main.py) [b](io.md#records) [c](../README.md)"
    assert hooks.rewrite_links(page, DOCS, "guide.md", DOCS, repo) == (
        f"[a]({repo}/blob/main/examples/puskesmas/main.py) [b](io.md#records) [c](index.md)"
    )


# ----------------------------------------------------------------------------- the built site


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.targets.append(value)


@pytest.mark.slow
def test_site_builds_strict_with_every_page(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs")
    installed = importlib.metadata.entry_points(group="pygments.lexers", name="kinerja")
    if not installed:
        pytest.skip("the installed kinerja_engine predates its lexer entry point: pip install -e .")
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(site)],
        cwd=ROOT, check=True, timeout=600,
    )  # fmt: skip
    hooks = _load("hooks")
    pages = ["index.html", "getting-started/index.html", "editors/index.html"]
    pages += [f"{page.stem}/index.html" for page in DOCS.glob("*.md")]
    pages += [f"bundled/{name}/index.html" for name in hooks.rulebook_names()]
    pages += [f"api/{module}/index.html" for module in hooks.api_modules()]
    for page in pages:
        assert (site / page).is_file(), page
    # The rulebook sources are highlighted by the package's lexer (declarations: class "kd").
    rulebook = (site / "bundled" / "pp-46-2011" / "index.html").read_text(encoding="utf-8")
    assert '<span class="kd">rulebook</span>' in rulebook
    assert '<span class="nb">cap</span>' in rulebook or '<span class="nb">' in rulebook
    # The index is the README, with the docs links pointing into the site.
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="getting-started/"' in index
    # Every relative link of every page resolves to a file of the site.
    for html in site.rglob("*.html"):
        parser = _Links()
        parser.feed(html.read_text(encoding="utf-8"))
        for target in parser.targets:
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
                continue  # elsewhere, or site-absolute (404.html is served from any depth)
            resolved = (html.parent / unquote(parts.path)).resolve()
            if resolved.is_dir():
                resolved = resolved / "index.html"
            assert resolved.is_file(), f"{html.relative_to(site)}: {target}"
