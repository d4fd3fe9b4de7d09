"""The rules language: text in, checked and compiled programs out.

Phases, each a module that imports only the ones before it:

* parse: ``parser`` (Lark grammar ``kinerja.lark``, text limits in ``limits``) hands the Lark
  tree to ``convert``, which builds the AST of ``nodes``;
* check: ``checker`` (rulebook-level: definitions, order, recursion) with ``infer`` (types of
  expressions) and ``coverage`` (band and matrix tables), producing the records of ``checked``;
* compile: ``compiler`` (``Program``, assembly) with ``codegen`` (Python source per
  definition);
* ``printer`` (AST → canonical text) and ``monotone`` (monotonicity analysis) read the AST.

Tables declared once and read by every phase: ``operators`` (``OPS``) and ``builtins``
(``BUILTINS``). ``evaluate`` is the one exact evaluator (constant folding) used by the checker,
the compiler and the monotonicity analysis. :class:`Formula` and :class:`Rulebook` (module
``formula``) chain the phases and are the public face.

>>> from kinerja_engine.language import Formula
>>> Formula.parse("realisasi / target * 100").evaluate(realisasi=45, target=50)
Decimal('90')
"""

from .formula import Formula, Rulebook

__all__ = ["Formula", "Rulebook"]
