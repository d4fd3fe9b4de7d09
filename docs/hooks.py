"""MkDocs hooks: the site's generated pages and the links that must work in two places.

Input: the repository (README.md, docs/, the bundled rulebooks, the package's subpackages).
Output, at build time (nothing generated is committed, so nothing can go stale):

* ``index.md``: README.md, its links rewritten for the site (``docs/io.md`` becomes ``io.md``;
  a link to a file outside docs/, such as ``examples/…``, becomes its address on the
  repository);
* ``bundled/<name>.md``: one page per bundled rulebook (``src/kinerja_engine/rulebooks/``), its
  header, its own definitions and its source highlighted by the package's Pygments lexer;
* ``api/<package>.md``: one API page per public package, rendered from the docstrings by
  mkdocstrings;
* a link to a bundled rulebook's source file (valid on the repository) leads to its page;
* the ``bundled/`` and ``api/`` entries of ``nav`` in mkdocs.yml expanded into those pages.

Guarantees: every page of docs/ gets the same link rewriting as README (a guide may link to
``../examples/…``); the build stops with a clear message when Pygments does not know the
``kinerja`` language (the package is not installed with its entry point).
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from kinerja_engine.highlight import KinerjaLexer
from kinerja_engine.language.parser import parse_rulebook
from kinerja_engine.language.printer import print_definition

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "kinerja_engine"
BRANCH = "main"
# The nav placeholders mkdocs.yml uses for the generated sections.
BUNDLED, API = "bundled/", "api/"
# An inline Markdown link or image target: `](target)` or `](target "title")`.
LINK = re.compile(r"(\]\()([^)\s]+)((?:\s+\"[^\"]*\")?\))")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def rulebook_names() -> list[str]:
    """The bundled rulebooks, by file name."""
    return sorted(path.stem for path in (PACKAGE / "rulebooks").glob("*.kinerja"))


def api_modules() -> list[str]:
    """The public packages (and the highlighter module), top-level package first."""
    packages = sorted(
        f"kinerja_engine.{path.parent.name}" for path in PACKAGE.glob("*/__init__.py")
    )
    return ["kinerja_engine", *packages, "kinerja_engine.highlight"]


def site_path(path: Path, docs_dir: Path) -> str | None:
    """Where a repository file is in the site's sources (docs/ relative), or None if outside."""
    if path == ROOT / "README.md":
        return "index.md"
    if path.parent == PACKAGE / "rulebooks" and path.suffix == ".kinerja":
        return f"{BUNDLED}{path.stem}.md"  # a bundled rulebook's source: its highlighted page
    try:
        return path.relative_to(docs_dir).as_posix()
    except ValueError:
        return None


def rewrite_links(markdown: str, source_dir: Path, page_uri: str, docs_dir: Path, repo: str) -> str:
    """Links written for the repository (relative to ``source_dir``), made right for the site.

    A target inside docs/ (or README.md) becomes relative to the page ``page_uri``; any other
    file of the repository becomes its address on ``repo``; absolute URLs and anchors stay.
    Fenced code is left alone.
    """
    page_dir = posixpath.dirname(page_uri)

    def fix(match: re.Match[str]) -> str:
        target = match.group(2)
        if SCHEME.match(target) or target.startswith(("#", "/")):
            return match.group(0)
        path, hash_, fragment = target.partition("#")
        resolved = (source_dir / path).resolve()
        inside = site_path(resolved, docs_dir)
        if inside is not None:
            new = posixpath.relpath(inside, page_dir or ".")
        else:
            kind = "tree" if resolved.is_dir() else "blob"
            new = f"{repo.rstrip('/')}/{kind}/{BRANCH}/{resolved.relative_to(ROOT).as_posix()}"
        return f"{match.group(1)}{new}{hash_}{fragment}{match.group(3)}"

    out, fenced = [], False
    for line in markdown.splitlines(keepends=True):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        out.append(line if fenced else LINK.sub(fix, line))
    return "".join(out)


# ----------------------------------------------------------------------------- pages


def rulebook_page(name: str, repo: str) -> str:
    """The page of one bundled rulebook: header facts, own definitions, highlighted source."""
    text = (PACKAGE / "rulebooks" / f"{name}.kinerja").read_text(encoding="utf-8")
    tree = parse_rulebook(text)
    header = tree.header
    lines = [f"# {name}", ""]
    facts = [f"version {header.version}" if header.version else "no version"]
    if header.extends:
        facts.append("extends " + ", ".join(f"[{b}]({b}.md)" for b in header.extends))
    if header.in_force:
        first, last = header.in_force
        facts.append(f"in force from {first}" + (f" until {last}" if last else ""))
    summary = "; ".join(facts)
    lines += [summary[:1].upper() + summary[1:] + ".", ""]
    if header.cites:
        lines += ["Cites:", ""] + [f"* {cite}" for cite in header.cites] + [""]
    lines += [
        f"What each definition means, its entry points and parameters: "
        f"[the rulebooks guide](../rulebooks.md#{name}). Source: "
        f"[`src/kinerja_engine/rulebooks/{name}.kinerja`]"
        f"({repo.rstrip('/')}/blob/{BRANCH}/src/kinerja_engine/rulebooks/{name}.kinerja); "
        f'in Python, `rulebooks.load("{name}")`.',
        "",
        "## Definitions",
        "",
        "| line | kind | name |",
        "|---:|---|---|",
    ]
    for definition in tree.definitions:
        kind = print_definition(definition).split(None, 1)[0]
        line = definition.span.line if definition.span else ""
        lines.append(f"| {line} | `{kind}` | `{definition.name}` |")
    fence = "````" if "```" in text else "```"
    lines += ["", "## Source", "", f"{fence}kinerja", text.rstrip("\n"), fence, ""]
    return "\n".join(lines)


def api_page(module: str) -> str:
    """The API page of one package: its ``__all__``, rendered by mkdocstrings."""
    return f"# `{module}`\n\n::: {module}\n"


def index_page(docs_dir: Path, repo: str) -> str:
    """README.md with its links made right for the site's index."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return rewrite_links(readme, ROOT, "index.md", docs_dir, repo)


# ----------------------------------------------------------------------------- MkDocs events


def _expand(nav: list[Any]) -> list[Any]:
    expanded: list[Any] = []
    for item in nav:
        if not isinstance(item, dict):
            expanded.append(item)
            continue
        (title, value), *_ = item.items()
        if value == BUNDLED:
            value = [{name: f"{BUNDLED}{name}.md"} for name in rulebook_names()]
        elif value == API:
            value = [{module: f"{API}{module}.md"} for module in api_modules()]
        elif isinstance(value, list):
            value = _expand(value)
        expanded.append({title: value})
    return expanded


def on_config(config: Any) -> Any:
    """Check that Pygments highlights ``kinerja`` with the package's lexer; expand the nav."""
    try:
        lexer = get_lexer_by_name("kinerja")
    except ClassNotFound:
        lexer = None
    if not isinstance(lexer, KinerjaLexer):
        raise PluginError(
            "Pygments does not know the 'kinerja' language: install the package with its "
            "entry point first (pip install -e '.[docs]')"
        )
    config["nav"] = _expand(config["nav"])
    return config


def on_files(files: Files, config: Any) -> Files:
    """Add the generated pages: the index from README, the rulebook and API pages."""
    docs_dir = Path(config["docs_dir"]).resolve()
    repo = config["repo_url"]
    pages = {"index.md": index_page(docs_dir, repo)}
    pages |= {f"{BUNDLED}{name}.md": rulebook_page(name, repo) for name in rulebook_names()}
    pages |= {f"{API}{module}.md": api_page(module) for module in api_modules()}
    for uri, content in pages.items():
        if files.get_file_from_path(uri) is not None:
            raise PluginError(f"docs/{uri} is generated by docs/hooks.py; remove the file")
        files.append(File.generated(config, uri, content=content))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """Links of a page of docs/ that leave docs/ point at the repository."""
    if page.file.abs_src_path is None:
        return markdown  # generated: its links are written for the site already
    docs_dir = Path(config["docs_dir"]).resolve()
    source = Path(page.file.abs_src_path).resolve()
    return rewrite_links(markdown, source.parent, page.file.src_uri, docs_dir, config["repo_url"])
