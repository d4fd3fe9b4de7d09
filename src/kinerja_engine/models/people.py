"""Who is appraised: an employee, their position and their organisation unit.

Input: plain data or JSON for :class:`Employee`, :class:`Position` and :class:`Unit`.
Output: frozen models (see :mod:`.base`). Guarantees: an employee's NIP is normalised
(spaces removed), decoded and cross-checked against the employee kind, with every problem
reported at ``nip``; a position has a jenjang exactly when it is Fungsional and a level only
when it is JPT; errors name the employee (NIP, else name) when the input shows one.

>>> Employee(nip="198609262015051001", name="Budi",
...          position={"name": "Staf", "category": "pelaksana"}, unit="u").position.category
<PositionCategory.PELAKSANA: 'Pelaksana'>
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Self

from pydantic import model_validator

from .base import FrozenModel
from .fields import (
    EmployeeKind,
    InputError,
    Jenjang,
    JptLevel,
    PositionCategory,
    Text,
    validation_errors,
)
from .nip import Nip, NipInfo, read_nip

__all__ = ["Employee", "Position", "Unit", "employee_hint"]


class Position(FrozenModel):
    """A position (jabatan): its name, category and, for Fungsional, its jenjang.

    ``jenjang`` is required for Fungsional and refused otherwise; ``level``
    (Utama/Madya/Pratama) is optional and only for JPT.

    >>> Position(name="Pranata Komputer", category="fungsional", jenjang="ahli pertama").jenjang
    <Jenjang.AHLI_PERTAMA: 'Ahli Pertama'>
    >>> Position(name="Kepala Seksi", category="Pelaksana", jenjang="Mahir")
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.ModelError: field 'jenjang': only a Fungsional position has a jenjang, not Pelaksana
    """  # noqa: E501

    name: Text
    category: PositionCategory
    jenjang: Jenjang | None = None
    level: JptLevel | None = None

    @model_validator(mode="after")
    def _check_category(self) -> Self:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        if self.category is PositionCategory.FUNGSIONAL and self.jenjang is None:
            problems.append((("jenjang",), "a Fungsional position needs a jenjang"))
        if self.category is not PositionCategory.FUNGSIONAL and self.jenjang is not None:
            problems.append(
                (
                    ("jenjang",),
                    f"only a Fungsional position has a jenjang, not {self.category.value}",
                )
            )
        if self.category is not PositionCategory.JPT and self.level is not None:
            problems.append(
                (("level",), f"only a JPT position has a level, not {self.category.value}")
            )
        if problems:
            raise validation_errors("Position", problems, self)
        return self


class Unit(FrozenModel):
    """An organisation unit; ``parent`` is the id of the unit above it, if any.

    >>> Unit(id="dinkes", name="Dinas Kesehatan").parent is None
    True
    """

    id: Text
    name: Text
    parent: Text | None = None


class Employee(FrozenModel):
    """An ASN employee with a validated NIP.

    The NIP may be written with spaces (they are removed); it is decoded and
    cross-checked according to ``kind`` (see :func:`decode_nip`). ``unit`` is the
    id of the employee's :class:`Unit`.

    >>> e = Employee(
    ...     nip="19860926 201505 1 001",
    ...     name="Budi",
    ...     position={"name": "Kepala Dinas", "category": "JPT", "level": "Pratama"},
    ...     unit="dinkes",
    ...     is_unit_head=True,
    ... )
    >>> e.nip, e.nip_info.birth_date, e.nip_info.gender
    ('198609262015051001', datetime.date(1986, 9, 26), 'L')
    """

    nip: Nip
    name: Text
    kind: EmployeeKind = EmployeeKind.PNS
    position: Position
    unit: Text
    is_unit_head: bool = False

    @model_validator(mode="after")
    def _check_nip(self) -> Self:
        try:
            read_nip(self.nip, self.kind)
        except InputError as exc:
            raise validation_errors(
                "Employee", [(("nip",), p) for p in exc.problems], self.nip
            ) from None
        return self

    @property
    def nip_info(self) -> NipInfo:
        """What the NIP says: birth date, appointment, gender, sequence."""
        return read_nip(self.nip, self.kind)

    @classmethod
    def _employee_hint(cls, data: object) -> str | None:
        return employee_hint(data)


def employee_hint(data: object) -> str | None:
    """The NIP, else the name, of an employee given as a model or raw input (for errors).

    >>> employee_hint({"nip": "19860926 201505 1 001"}), employee_hint({"name": " Budi "})
    ('198609262015051001', 'Budi')
    """
    if isinstance(data, Employee):
        return data.nip
    if not isinstance(data, Mapping):
        return None
    nip = data.get("nip")
    if isinstance(nip, int) and not isinstance(nip, bool):
        nip = str(nip)
    if isinstance(nip, str) and nip.strip():
        return "".join(nip.split())
    name = data.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    return None
