"""The NIP (Nomor Induk Pegawai): its format as a field type, and what its digits say.

Input: an NIP as text (spaces ignored) or an int, and the employee kind (PNS or PPPK).
Output: :data:`Nip` (the field type: 18 ASCII digits, format only) and :class:`NipInfo`
(birth date, appointment, gender, sequence) from :func:`decode_nip`. Guarantees: every
problem of a number is reported at once; nothing is compared with today's date, so a
result never depends on when it runs; :func:`decode_nip` raises only
:class:`~kinerja_engine.errors.ModelError`, :func:`read_nip` only
:class:`~kinerja_engine.models.fields.InputError`.

>>> decode_nip("19860926 201505 1 001").birth_date
datetime.date(1986, 9, 26)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

from ..errors import ModelError, shown
from .fields import EmployeeKind, InputError, custom_error

__all__ = ["Nip", "NipInfo", "decode_nip", "read_nip"]

_NIP_DIGITS = re.compile(r"[0-9]{18}")

# Leniency for the appointment age in a PNS NIP: the legal minimum is 18, but a
# month-granular NIP and early appointments are real, so only the absurd is refused.
_MIN_APPOINTMENT_AGE = 17
_MAX_APPOINTMENT_AGE = 60


def _normalise_nip(value: object) -> str:
    if type(value) is str and len(value) == 18 and value.isascii() and value.isdigit():
        return value  # the common case (18 ASCII digits, nothing to remove), decided first
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > 200:  # far past 18 digits (and str() refuses > 4,300 digits)
            raise InputError("a NIP has 18 digits, got a much longer number")
        value = str(value)
    if not isinstance(value, str):
        raise InputError(f"a NIP is text of 18 digits, got {type(value).__name__}")
    text = "".join(value.split())
    if not _NIP_DIGITS.fullmatch(text):
        if not text.isascii() or not text.isdigit():
            raise InputError(f"a NIP has only digits, got {shown(value)}")
        raise InputError(f"a NIP has 18 digits, got {len(text)} ({shown(value)})")
    return text


def _check_nip_format(value: Any) -> str:
    try:
        return _normalise_nip(value)
    except InputError as exc:
        raise custom_error(str(exc)) from None


#: An NIP as text: spaces removed, exactly 18 ASCII digits. Only the format is checked
#: here; :class:`Employee` decodes and cross-checks the parts (see :func:`decode_nip`).
Nip = Annotated[
    str,
    BeforeValidator(_check_nip_format),
    WithJsonSchema({"type": "string", "pattern": r"^[0-9]{18}$"}),
]


@dataclass(frozen=True, slots=True)
class NipInfo:
    """What an NIP says about its holder.

    For PNS, ``cpns_year``/``cpns_month`` are the CPNS appointment; for PPPK,
    ``cpns_year`` is the 4-digit year in the number and ``cpns_month`` is ``None``
    (the 2-digit field after it has no agreed meaning). ``gender`` is ``'L'``
    (laki-laki, male) or ``'P'`` (perempuan, female).

    >>> NipInfo(date(1986, 9, 26), 2015, 5, "L", 1).cpns_year
    2015
    """

    birth_date: date
    cpns_year: int
    cpns_month: int | None
    gender: str
    sequence: int
    kind: EmployeeKind = EmployeeKind.PNS


def read_nip(nip: str, kind: EmployeeKind) -> NipInfo:
    """:func:`decode_nip` for validators: raises :class:`~.fields.InputError` listing every
    problem, so that the caller can place them (``Employee`` reports them at ``nip``).

    >>> read_nip("198609262015051001", EmployeeKind.PNS).gender
    'L'
    >>> read_nip("198609262015130000", EmployeeKind.PNS)
    Traceback (most recent call last):
    ...
    kinerja_engine.models.fields.InputError: CPNS month 13 is not a month (01-12); gender digit 0 must be 1 (male) or 2 (female); sequence number 000 does not exist (it starts at 001)
    """  # noqa: E501
    text = _normalise_nip(nip)
    problems: list[str] = []
    year, month, day = int(text[0:4]), int(text[4:6]), int(text[6:8])
    birth: date | None = None
    try:
        birth = date(year, month, day)
    except ValueError:
        problems.append(f"birth date {text[0:8]} is not a real date (YYYYMMDD)")
    if birth is not None and year < 1900:
        problems.append(f"birth year {year} is not plausible")
        birth = None
    appointed_year = int(text[8:12])
    appointed_month: int | None = None
    if kind is EmployeeKind.PNS:
        appointed_month = int(text[12:14])
        if not 1 <= appointed_month <= 12:
            problems.append(f"CPNS month {text[12:14]} is not a month (01-12)")
        elif birth is not None:
            age = (appointed_year * 12 + appointed_month) - (birth.year * 12 + birth.month)
            # The text only when it is needed (a problem): most NIPs have none.
            when = (
                ""
                if _MIN_APPOINTMENT_AGE * 12 <= age <= _MAX_APPOINTMENT_AGE * 12
                else f"CPNS {appointed_year:04d}-{appointed_month:02d}"
            )
            if age <= 0:
                problems.append(f"{when} is not after the birth date {birth}")
            elif age < _MIN_APPOINTMENT_AGE * 12:
                problems.append(
                    f"{when} means appointment at {age // 12} years old "
                    f"(at least {_MIN_APPOINTMENT_AGE} expected)"
                )
            elif age > _MAX_APPOINTMENT_AGE * 12:
                problems.append(
                    f"{when} means appointment at {age // 12} years old "
                    f"(at most {_MAX_APPOINTMENT_AGE} expected)"
                )
    elif birth is not None and appointed_year - birth.year < _MIN_APPOINTMENT_AGE:
        problems.append(
            f"year {appointed_year} is less than {_MIN_APPOINTMENT_AGE} years "
            f"after the birth date {birth}"
        )
    gender = {"1": "L", "2": "P"}.get(text[14])
    if gender is None:
        problems.append(f"gender digit {text[14]} must be 1 (male) or 2 (female)")
    sequence = int(text[15:18])
    if sequence == 0:
        problems.append("sequence number 000 does not exist (it starts at 001)")
    if problems or birth is None or gender is None:
        raise InputError(*problems)
    return NipInfo(birth, appointed_year, appointed_month, gender, sequence, kind)


def decode_nip(nip: str, kind: EmployeeKind | str = "PNS") -> NipInfo:
    """Decode and cross-check an 18-digit NIP (spaces are ignored).

    PNS (``YYYYMMDD YYYYMM G NNN``): the birth date must be a real date (year 1900 or
    later), the CPNS month 01-12, the appointment between 17 and 60 years after the
    birth month (month granularity, lenient on purpose), gender 1 or 2 and the
    sequence 001-999. PPPK: birth date, gender and sequence as for PNS, and the
    4-digit year at least 17 years after the birth year; the 2-digit field is not
    checked because sources disagree on its meaning. Nothing is compared with
    today's date, so the result never depends on when it runs.

    Raises :class:`ModelError` with ``field='nip'`` listing every problem.

    >>> decode_nip("19860926 201505 1 001")
    NipInfo(birth_date=datetime.date(1986, 9, 26), cpns_year=2015, cpns_month=5, gender='L', sequence=1, kind=<EmployeeKind.PNS: 'PNS'>)
    >>> decode_nip("198609262015131001")
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.ModelError: employee 198609262015131001, field 'nip': CPNS month 13 is not a month (01-12)
    """  # noqa: E501
    try:
        if not isinstance(kind, str):  # Enum's own message would call a caller's repr
            raise ValueError(kind)
        employee_kind = EmployeeKind(kind)
    except ValueError:
        raise ModelError(f"unknown employee kind {shown(kind)}", field="kind") from None
    try:
        return read_nip(nip, employee_kind)
    except InputError as exc:
        employee = nip if isinstance(nip, str) else None
        raise ModelError(
            "; ".join(exc.problems),
            field="nip",
            employee="".join(employee.split()) if employee else None,
            errors=exc.problems,
        ) from None
