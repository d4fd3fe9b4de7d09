"""The ``kinerja`` command line (also ``python -m kinerja_engine``).

This is the thin shell: it reads files and prints; the library underneath does no I/O.
It stays on argparse: the commands need nothing argparse lacks (subcommands, repeated
options, help), and a core pure-Python library should not pull typer or click (and rich) into
every installation for its command line.

* ``score PLANS --rulebook NAME_OR_FILE [--year] [--out FILE] [--explain id|en]
  [--unit-predikat P]`` scores a plan file (CSV, Excel, Parquet, JSON, JSON Lines; see
  ``docs/io.md``), writes the result records to ``--out`` (format by suffix) and prints a
  summary: complete / incomplete / error counts, each unit's predikat distribution and, when
  the rulebook has a distribution curve and ``--unit-predikat`` is given, the curve check.
  A count of scored plans goes to stderr on long runs, only when stderr is a terminal.
  ``score FOLDER --out OUT_FOLDER [--dask-workers N]`` scores a Parquet dataset (every
  Parquet file in the folder) on the columnar engine, one records file per plan file, in this
  process or on N local Dask worker processes (``docs/columnar.md``).
  Each rulebook's warnings (its own and the pipeline contract's) go to stderr first.
* ``compare PLANS --rulebook OLD --rulebook NEW [--year]``: the policy impact, i.e. exactly the
  employees whose status, nilai, ratings, predikat or conversions change, and each unit's
  predikat distribution before → after.
* ``schema plan|appraisal`` prints the JSON Schema of a plan or of an appraisal.

* ``check FILE…`` checks rulebook files (or, with ``--formula``, one formula) and prints every
  diagnostic like a compiler (``file:line:col: error: message``, the line, a caret, a hint).
  ``--pipeline`` also checks each rulebook against the scoring pipeline's entry points
  (:func:`kinerja_engine.scoring.check_pipeline`); it is on by default for a file that extends a
  pipeline rulebook (``--no-pipeline`` turns it off). Warnings are printed as
  ``file:line:col: warning: …``; ``--strict`` counts them as errors. Exit status: 0 when every
  text is fine (warnings allowed), 1 when any has errors (or warnings under ``--strict``), 2
  when a file cannot be read or the command line is wrong.
  ``--input name:type`` (repeatable) declares a formula's inputs, so a misspelt name is
  reported with a did-you-mean (``--formula "cap(realisasi / targt, 120%)" --input
  realisasi:number --input target:number``).
* ``demo`` runs the main job on bundled data.

Exit status: **0** done and fine; **1** done with findings (check errors, or warnings under
``--strict``; ``score`` results that are errors or a broken curve; ``compare`` rows that could
not be read); **2** cannot run (a wrong command line; a missing, unreadable, directory or
unknown-format file; a rulebook file over the size limit or that does not load for
``score``/``compare``). Ctrl-C ends with **130** and one line; a closed pipe (``kinerja schema
appraisal | head -1``) ends quietly. Rulebook files are read up to
:data:`~kinerja_engine.language.limits.MAX_RULEBOOK_LENGTH` characters, then refused; plan
files stream and have no size limit.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from . import rulebooks
from .cli_columnar import ENGINES, columnar_verdict, score_columnar
from .cli_scoring import check_unit_predikat, compare, load_rulebook, score
from .errors import Diagnostic, KinerjaError, UsageError
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
        folder = os.path.dirname(path)
        pipeline = any(
            is_pipeline_rulebook(
                rulebooks.load(name)
                if name in rulebooks.names()
                else rulebooks.load_file(os.path.join(folder, name))
            )
            for name in extends
        )
    found: list[Diagnostic] = list(book.warnings)
    if pipeline:
        # In a file that extends others, only its own definitions are "never used" suspects.
        own = {d.name for d in node.definitions} if extends else None
        found.extend(check_pipeline(book, own=own))
    # The reader's own text first, then each inherited text, each in source order.
    found.sort(key=lambda d: (d.origin or "", d.span is None, d.span.start if d.span else 0))
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
    if pipeline:
        print(f"{path}: columnar: {columnar_verdict(book)}")
    print(f"{path}: ok (rulebook '{book.name}', {what})")
    return 0


def _inputs(specs: Sequence[str]) -> dict[str, str]:
    """``name:type`` options as a formula's declared inputs."""
    inputs: dict[str, str] = {}
    for spec in specs:
        name, sep, kind = spec.partition(":")
        if not sep or not name.strip() or not kind.strip():
            raise UsageError(f"--input {spec!r}: expected NAME:TYPE, e.g. realisasi:number")
        inputs[name.strip()] = kind.strip()
    return inputs


def _check(
    paths: Sequence[str], formulas: Sequence[str], pipeline: bool | None = None,
    strict: bool = False, inputs: Sequence[str] = (),
) -> int:  # fmt: skip
    status = 0
    declared = _inputs(inputs) if inputs else None
    for path in paths:
        try:
            text = rulebooks.read_rulebook_file(path)
        except UsageError as exc:
            print(exc, file=sys.stderr)
            status = max(status, 2)
            continue
        try:
            # load_file resolves `extends` among the bundled rulebooks and relative files.
            book = rulebooks.load_file(path)
        except UsageError as exc:
            print(exc)
            print(f"{path}: 1 error")
            status = max(status, 1)
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
            formula = Formula.parse(text, inputs=declared)
        except KinerjaError as exc:
            print(exc.render(name))
            status = max(status, 1)
        else:
            for warning in formula.warnings:
                print(warning.render(formula.text, name))
            if strict and formula.warnings:
                count = len(formula.warnings)
                print(f"{name}: 0 errors, {count} warning{'s' * (count != 1)} (--strict)")
                status = max(status, 1)
                continue
            inputs = ", ".join(f"{k}: {v}" for k, v in formula.inputs.items()) or "no inputs"
            print(f"{name}: ok ({inputs}) -> {formula.result_type}")
    return status


def _schema(what: str) -> int:
    from .models import Plan  # noqa: PLC0415 - only this command needs the models' schema
    from .scoring.results import Appraisal  # noqa: PLC0415

    model = Plan if what == "plan" else Appraisal
    print(json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kinerja",
        description="kinerja_engine: achievement-based appraisal rules for ASN.",
    )
    # The package is imported before its __main__ runs; its version is read from there (an
    # import of the package's __init__ from the same layer would be a cycle in the layering).
    version = getattr(sys.modules[__package__ or "kinerja_engine"], "__version__", "?")
    parser.add_argument("--version", action="version", version=f"kinerja {version}")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check rulebook files and formulas")
    check.add_argument("files", nargs="*", help="rulebook files (.kinerja)")
    check.add_argument(
        "--formula", action="append", default=[], help="a formula to check (repeatable)"
    )
    check.add_argument(
        "--input", action="append", default=[], metavar="NAME:TYPE",
        help="declare an input of the formulas, e.g. realisasi:number (repeatable)",
    )  # fmt: skip
    check.add_argument(
        "--pipeline",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="check rulebooks against the scoring pipeline's entry points (default: when a "
        "file extends a pipeline rulebook)",
    )
    check.add_argument("--strict", action="store_true", help="count warnings as errors")
    for name, text in (("score", "score a plan file"), ("compare", "compare two rulebooks")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument(
            "plans", metavar="PLANS", help="plan file (csv, xlsx, parquet, json, jsonl)"
        )
        sub.add_argument(
            "--rulebook", action="append", required=True, metavar="NAME_OR_FILE",
            help="bundled rulebook name or .kinerja file"
            + " (twice: OLD then NEW)" * (name == "compare"),
        )  # fmt: skip
        sub.add_argument("--year", action="store_true", help="one annual appraisal per employee")
        if name == "score":
            sub.add_argument("--out", help="result records file (format by suffix)")
            sub.add_argument("--explain", choices=("id", "en"), help="print each explanation")
            sub.add_argument("--unit-predikat", help="the unit's own predikat, for the curve check")
            sub.add_argument("--engine", choices=ENGINES, default="auto",
                             help="columnar: Parquet in and out (auto: when it can)")  # fmt: skip
            sub.add_argument("--dask-workers", type=int, default=0, metavar="N",
                             help="a folder of Parquet plans: score it on N local Dask "
                             "worker processes (0: this process)")  # fmt: skip
    schema = commands.add_parser("schema", help="print a JSON Schema")
    schema.add_argument("what", choices=("plan", "appraisal"))
    commands.add_parser("demo", help="run the demonstration on bundled data")
    return parser


def _run(argv: Sequence[str] | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "check":
        if not args.files and not args.formula:
            parser.error("check needs at least one FILE or --formula")
        try:
            _inputs(args.input)
        except UsageError as exc:
            parser.error(str(exc))
        return _check(args.files, args.formula, args.pipeline, args.strict, args.input)
    if args.command == "schema":
        return _schema(args.what)
    if args.command in ("score", "compare"):
        want = 1 if args.command == "score" else 2
        if len(args.rulebook) != want:
            parser.error(
                f"{args.command} takes --rulebook {'once' if want == 1 else 'twice (OLD, NEW)'}"
            )
        try:
            books = [load_rulebook(spec) for spec in args.rulebook]
        except KinerjaError as exc:
            print(exc.render(args.rulebook[0]) if exc.span else f"kinerja: {exc}", file=sys.stderr)
            return 2
        for spec, book in zip(args.rulebook, books, strict=True):
            # What `kinerja check` would warn about, before scoring with it (a misspelt entry
            # point or param silently changes every result).
            found = [*book.warnings, *(d for d in check_pipeline(book) if d.severity == "warning")]
            for diagnostic in found:
                print(diagnostic.render(book.text, spec), file=sys.stderr)
        try:
            if (
                args.command == "score"
                and args.out
                and not os.path.isdir(args.plans)  # a dataset's own check says "in the dataset"
                and _same_file(args.plans, args.out)
            ):
                # Either engine opens the output before it has read all of the input.
                raise UsageError(f"{args.out}: is the plan file itself; write results elsewhere")
            if args.command == "score":
                check_unit_predikat(books[0], args.unit_predikat)
                done = score_columnar(
                    args.plans, books[0], out=args.out, engine=args.engine, year=args.year,
                    explain=args.explain, unit_predikat=args.unit_predikat,
                    spec=args.rulebook[0], dask_workers=args.dask_workers,
                )  # fmt: skip
                if done is not None:
                    return done
                return score(
                    args.plans, books[0], year=args.year, out=args.out, explain=args.explain,
                    unit_predikat=args.unit_predikat,
                )  # fmt: skip
            return compare(args.plans, books[0], books[1], year=args.year)
        except UsageError as exc:
            print(f"kinerja: {exc}", file=sys.stderr)
            return 2
        except BrokenPipeError:
            raise  # the reader of stdout went away (``| head``): main() ends quietly
        except OSError as exc:
            print(f"kinerja: {exc.filename or args.plans}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    from .demo import run_demo  # noqa: PLC0415 - the demo's data load only when asked for

    return run_demo()


def _same_file(source: str, out: str) -> bool:
    """Whether ``out`` names the file ``source`` (also through another path or a link)."""
    try:
        return os.path.exists(out) and os.path.samefile(source, out)
    except OSError:  # the source is missing or unreadable: reported when it is read
        return False


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``kinerja`` and ``python -m kinerja_engine``; the exit status."""
    try:
        status = _run(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (``| head``): nothing more to say. Python would flush stdout
        # again at exit and print a traceback, so stdout is pointed at devnull first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("kinerja: interrupted", file=sys.stderr)
        return 130
    return status


if __name__ == "__main__":
    sys.exit(main())
