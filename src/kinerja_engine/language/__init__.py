"""The rules language: text in, checked and compiled programs out.

Phases, each a module that imports only the ones before it: ``parser`` (Lark grammar
``kinerja.lark`` → AST of ``nodes``), ``checker`` (names, types, arity, band coverage; every
diagnostic at once), ``compiler`` (checked AST → generated Python), ``printer`` (AST → canonical
text). ``builtins`` is the table of built-in functions. :class:`Formula` and :class:`Rulebook`
(module ``formula``) chain the phases and are the public face.

>>> from kinerja_engine.language import Formula
>>> Formula.parse("realisasi / target * 100").evaluate(realisasi=45, target=50)
Decimal('90')
"""

from .formula import Formula, Rulebook

__all__ = ["Formula", "Rulebook"]
