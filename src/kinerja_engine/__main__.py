"""Command line for people: ``python -m kinerja_engine check FILE…`` and ``… demo``.

This is the thin shell: it reads files and prints; the library underneath does no I/O.

* ``check FILE…`` checks rulebook files (or, with ``--formula``, one formula) and prints every
  diagnostic like a compiler (``file:line:col: error: message``, the line, a caret, a hint).
  ``--pipeline`` also checks each rulebook against the scoring pipeline's entry points
  (:func:`kinerja_engine.scoring.check_pipeline`); it is on by default for a file that extends a
  pipeline rulebook (``--no-pipeline`` turns it off). Warnings are printed as
  ``file:line:col: warning: …``; ``--strict`` counts them as errors. Exit status: 0 when every
  text is fine (warnings allowed), 1 when any has errors (or warnings under ``--strict``), 2
  when a file cannot be read or the command line is wrong.
* ``demo`` runs the main job on bundled data.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import rulebooks
from .errors import Diagnostic, KinerjaError
from .language.formula import Formula, Rulebook
from .language.parser import parse_rulebook
from .scoring.contract import check_pipeline, is_pipeline_rulebook

__all__ = ["main"]


def _contract(path: str, text: str, book: Rulebook, pipeline: bool | None, strict: bool) -> int:
    """Print the rulebook's warnings and, when asked (or it extends a pipeline rulebook), its
    pipeline contract diagnostics; the exit status they call for (0 or 1)."""
    node = parse_rulebook(text)
    extends = node.header.extends
    if pipeline is None:
        pipeline = any(is_pipeline_rulebook(rulebooks.load(name)) for name in extends)
    found: list[Diagnostic] = list(book.warnings)
    if pipeline:
        # In a file that extends others, only its own definitions are "never used" suspects.
        own = {d.name for d in node.definitions} if extends else None
        found.extend(check_pipeline(book, own=own))
    errors = sum(d.severity == "error" for d in found)
    warnings = len(found) - errors
    for diagnostic in found:
        print(diagnostic.render(book.text, path))
    counted = errors + warnings if strict else errors
    what = f"{len(list(book))} definitions" + ", pipeline contract" * pipeline
    if warnings:
        what += f", {warnings} warning{'s' * (warnings != 1)}"
    if counted:
        print(f"{path}: {errors} error{'s' * (errors != 1)}, {warnings} "
              f"warning{'s' * (warnings != 1)}{' (--strict)' * strict}")  # fmt: skip
        return 1
    print(f"{path}: ok (rulebook '{book.name}', {what})")
    return 0


def _check(
    paths: Sequence[str], formulas: Sequence[str], pipeline: bool | None = None,
    strict: bool = False,
) -> int:  # fmt: skip
    status = 0
    for path in paths:
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{path}: cannot read: {exc}", file=sys.stderr)
            status = max(status, 2)
            continue
        try:
            # rulebooks.load resolves an `extends` header among the bundled rulebooks.
            book = rulebooks.load(text)
        except KinerjaError as exc:
            print(exc.render(path))
            count = len(exc.diagnostics)
            print(f"{path}: {count} error{'s' * (count != 1)}")
            status = max(status, 1)
        else:
            status = max(status, _contract(path, text, book, pipeline, strict))
    for index, text in enumerate(formulas, 1):
        name = f"<formula {index}>"
        try:
            formula = Formula.parse(text)
        except KinerjaError as exc:
            print(exc.render(name))
            status = max(status, 1)
        else:
            inputs = ", ".join(f"{k}: {v}" for k, v in formula.inputs.items()) or "no inputs"
            print(f"{name}: ok ({inputs}) -> {formula.result_type}")
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m kinerja_engine`` and the ``kinerja`` script."""
    parser = argparse.ArgumentParser(
        prog="python -m kinerja_engine",
        description="kinerja_engine: achievement-based appraisal rules for ASN.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check rulebook files and formulas")
    check.add_argument("files", nargs="*", help="rulebook files (.kinerja)")
    check.add_argument(
        "--formula", action="append", default=[], help="a formula to check (repeatable)"
    )
    check.add_argument(
        "--pipeline",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="check rulebooks against the scoring pipeline's entry points (default: when a "
        "file extends a pipeline rulebook)",
    )
    check.add_argument("--strict", action="store_true", help="count warnings as errors")
    commands.add_parser("demo", help="run the demonstration on bundled data")
    args = parser.parse_args(argv)
    if args.command == "check":
        if not args.files and not args.formula:
            parser.error("check needs at least one FILE or --formula")
        return _check(args.files, args.formula, args.pipeline, args.strict)
    from .demo import run_demo  # noqa: PLC0415 - the demo's data load only when asked for

    return run_demo()


if __name__ == "__main__":
    sys.exit(main())
