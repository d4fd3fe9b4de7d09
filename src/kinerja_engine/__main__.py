"""Command line for people: ``python -m kinerja_engine check FILE…`` and ``… demo``.

This is the thin shell: it reads files and prints; the library underneath does no I/O.

* ``check FILE…`` checks rulebook files (or, with ``--formula``, one formula) and prints every
  diagnostic like a compiler (``file:line:col: error: message``, the line, a caret, a hint). It
  exits 1 when any file has errors, 2 when a file cannot be read.
* ``demo`` runs the main job on bundled data.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import rulebooks
from .errors import KinerjaError
from .language.formula import Formula

__all__ = ["main"]


def _check(paths: Sequence[str], formulas: Sequence[str]) -> int:
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
            print(f"{path}: ok (rulebook '{book.name}', {len(list(book))} definitions)")
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
    commands.add_parser("demo", help="run the demonstration on bundled data")
    args = parser.parse_args(argv)
    if args.command == "check":
        if not args.files and not args.formula:
            parser.error("check needs at least one FILE or --formula")
        return _check(args.files, args.formula)
    from .demo import run_demo  # noqa: PLC0415 - the demo's data load only when asked for

    return run_demo()


if __name__ == "__main__":
    sys.exit(main())
