"""Execute the notebook example: ``unit.py`` (jupytext percent format) → an executed ``.ipynb``.

What it shows:

* a notebook kept as a reviewable script (``unit.py``, one ``# %%`` per cell) and turned into
  a notebook by jupytext;
* the notebook executed headless by nbclient in a fresh IPython kernel (ipykernel), as CI runs
  it, with matplotlib on its Agg backend;
* the executed notebook written out (``--out``; by default into a new temporary directory,
  so running it never writes into the repository), and a summary of what the cells
  displayed: how many HTML tables and PNG images.

Run from the repository root, after ``pip install -e ".[notebook]"``::

    python examples/notebook/run_notebook.py
    python examples/notebook/run_notebook.py --out unit.ipynb
    jupyter lab unit.ipynb   # or open unit.py itself with the jupytext extension
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import jupytext  # type: ignore[import-untyped]  # jupytext ships no type information
import nbformat
from nbclient import NotebookClient

import kinerja_engine

HERE = Path(__file__).resolve().parent
NOTEBOOK = HERE / "unit.py"
#: Longest time one cell may run, in seconds (a guard against a hung kernel, not a budget).
CELL_TIMEOUT = 600


def read(path: Path = NOTEBOOK) -> nbformat.NotebookNode:
    """The percent script as a notebook (cells, no outputs yet)."""
    notebook: nbformat.NotebookNode = jupytext.read(path)
    return notebook


def _kernel_env() -> dict[str, str]:
    """The environment of the kernel: this process's, with the directory kinerja_engine was
    imported from first on the path (so an uninstalled checkout runs its own code)."""
    package_root = str(Path(kinerja_engine.__file__).resolve().parent.parent)
    path = os.environ.get("PYTHONPATH", "")
    return {
        **os.environ,
        "PYTHONPATH": package_root + (os.pathsep + path if path else ""),
        "MPLBACKEND": "Agg",
    }


def execute(notebook: nbformat.NotebookNode, cwd: Path = HERE) -> nbformat.NotebookNode:
    """Run every cell in a fresh kernel; a cell that raises stops the run with its error."""
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
    )
    executed: nbformat.NotebookNode = client.execute(env=_kernel_env())
    return executed


def outputs(notebook: nbformat.NotebookNode) -> list[dict[str, Any]]:
    """Every output of every code cell, in order."""
    return [dict(out) for cell in notebook.cells if cell.cell_type == "code"
            for out in cell.get("outputs", [])]  # fmt: skip


def summary(notebook: nbformat.NotebookNode) -> str:
    """How many cells ran, and what they displayed."""
    shown = outputs(notebook)
    tables = sum(1 for o in shown if "<table" in o.get("data", {}).get("text/html", ""))
    images = sum(1 for o in shown if "image/png" in o.get("data", {}))
    code = sum(1 for cell in notebook.cells if cell.cell_type == "code")
    return f"{code} code cells executed: {tables} HTML tables, {images} PNG images"


def main(argv: list[str] | None = None) -> int:
    """Execute the notebook and write it; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, help="where to write the executed notebook")
    args = parser.parse_args(argv)
    out: Path = args.out or Path(tempfile.mkdtemp(prefix="kinerja-notebook-")) / "unit.ipynb"
    executed = execute(read())
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(executed, out)  # type: ignore[no-untyped-call]  # nbformat's write is untyped
    print(summary(executed))
    print(f"Executed notebook written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
