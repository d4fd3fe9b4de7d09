"""A synthetic national workforce: plans of made-up civil servants, streamed, from a seed.

Input: a count and a seed. Output: an iterator of :class:`~kinerja_engine.models.Plan` (the
SKP of one quarter with its realisations and behaviour rating) for employees in units of three
sectors whose indicator kinds the bundled ``gajahmungkur`` rulebook declares: health
(puskesmas), public service (kecamatan/kelurahan offices) and education (schools).
Guarantees:

- **deterministic**: the same ``seed`` gives the same plans, bit for bit, on any machine (the
  generator uses :class:`random.Random` seeded per block of employees, never global state);
- **streamed**: plans are made one at a time; nothing grows with the count but the caller's
  own use (a small, bounded cache of shared indicators is kept);
- **addressable**: :func:`generate_plans` with ``start``/``stop`` gives exactly the same plans
  as the matching slice of the whole stream, so partitions (Dask, processes) can each make
  their own share without coordination;
- **valid**: every plan is what :meth:`Plan.model_validate` builds from its own dump (valid
  PNS/PPPK NIPs, Fungsional positions with a jenjang, weights summing to 100 %, …), but the
  models are constructed without re-validation (trusted data, cheap on the hot path).

Realistic proportions (rough national shares, not statistics): education 45 %, public service
35 %, health 20 % of units; about 60 % Fungsional positions; 3–7 indicators per employee
(mean ≈ 5) in 2–3 RHKs; realisasi around the target (a per-employee performance factor times
per-indicator noise); about 1 % of realisations not yet reported, 0.5 % not applicable, and a
small share of plans with a data fault (RHK weights that do not add up to 100 %) that scores
as an error result.

>>> plans = list(generate_plans(3, seed=7))
>>> [len(list(p.indicators())) >= 3 for p in plans]
[True, True, True]
>>> plans == list(generate_plans(3, seed=7)), plans[1:] == list(generate_plans(3, seed=7, start=1))
(True, True)
>>> Plan.model_validate(plans[0].model_dump()) == plans[0]
True
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, TypeVar

from ..errors import UsageError
from ..models import (
    RHK,
    BehaviourAssessment,
    Direction,
    Employee,
    EmployeeKind,
    Indicator,
    Jenjang,
    Period,
    Plan,
    Position,
    PositionCategory,
    Realisation,
    RhkKind,
    TargetRange,
)

__all__ = [
    "BLOCK",
    "NATIONAL_WORKFORCE",
    "generate_plans",
    "generate_records",
    "unit_predikat",
]

#: Employees per independently seeded block; partitions aligned to it cost nothing to skip to.
BLOCK: Final = 1000

#: About how many ASN Indonesia has (BKN, 2024): the national benchmark's target count.
NATIONAL_WORKFORCE: Final = 4_300_000

_M = TypeVar("_M")
_setattr = object.__setattr__


def _construct(cls: type[_M], values: dict[str, Any], fields_set: set[str]) -> _M:
    """A model from already-valid values, like ``model_construct`` but without its per-field
    default handling (every field is given here). Only for data this module made itself;
    ``tests/test_synthetic.py`` checks the result equals ``model_validate`` of its dump."""
    obj = cls.__new__(cls)
    _setattr(obj, "__dict__", values)
    _setattr(obj, "__pydantic_fields_set__", fields_set)
    _setattr(obj, "__pydantic_extra__", None)
    _setattr(obj, "__pydantic_private__", None)
    return obj


# --------------------------------------------------------------------------- catalogue

# (kind or None, id, name, unit of measure, direction, target grid, decimals of realisasi)
# A kind names a rulebook definition capaian_<kind>; None uses the direction's default.
_Ind = tuple[str | None, str, str, str, Direction, tuple[Any, ...], int]
_H, _L, _R = Direction.HIGHER, Direction.LOWER, Direction.RANGE

_SECTORS: Final[dict[str, dict[str, Any]]] = {
    "pendidikan": {
        "share": 45,
        "unit": ("SD Negeri", "SMP Negeri"),
        "size": (8, 40),
        "head": ("Kepala Sekolah", PositionCategory.FUNGSIONAL, Jenjang.AHLI_MADYA),
        "positions": [
            (60, "Guru Kelas", PositionCategory.FUNGSIONAL),
            (20, "Guru Mata Pelajaran", PositionCategory.FUNGSIONAL),
            (12, "Pengelola Sekolah", PositionCategory.PELAKSANA),
            (8, "Pustakawan", PositionCategory.FUNGSIONAL),
        ],
        "indicators": [
            (
                "prestasi_siswa",
                "prestasi",
                "Peningkatan rata-rata nilai siswa",
                "poin",
                _H,
                (0, 2, 3, 4, 5, 6, 8, 10),
                1,
            ),
            (
                "kehadiran_siswa",
                "kehadiran",
                "Kehadiran siswa",
                "%",
                _H,
                (90, 92, 94, 95, 96, 98),
                1,
            ),
            (
                None,
                "perangkat",
                "Perangkat pembelajaran disusun",
                "dokumen",
                _H,
                (4, 6, 8, 10, 12),
                0,
            ),
            (None, "jam", "Jam mengajar per minggu", "jam", _R, ((24, 30), (24, 40)), 0),
            (None, "remedial", "Siswa belum tuntas", "siswa", _L, (2, 3, 5, 8), 0),
            (None, "ekskul", "Kegiatan ekstrakurikuler dibina", "kegiatan", _H, (2, 3, 4), 0),
            (None, "laporan", "Laporan hasil belajar tepat waktu", "laporan", _H, (1, 2, 3), 0),
        ],
    },
    "layanan": {
        "share": 35,
        "unit": ("Kantor Kecamatan", "Kantor Kelurahan"),
        "size": (10, 80),
        "head": ("Camat", PositionCategory.ADMINISTRATOR, None),
        "positions": [
            (45, "Pengadministrasi Perkantoran", PositionCategory.PELAKSANA),
            (25, "Analis Kebijakan", PositionCategory.FUNGSIONAL),
            (15, "Pranata Komputer", PositionCategory.FUNGSIONAL),
            (10, "Kepala Seksi Pelayanan", PositionCategory.PENGAWAS),
            (5, "Sekretaris Kecamatan", PositionCategory.ADMINISTRATOR),
        ],
        "indicators": [
            ("ikm", "ikm", "Indeks kepuasan masyarakat", "indeks", _H, (76, 80, 82, 85, 88), 2),
            ("waktu_layanan", "waktu", "Rata-rata waktu layanan", "hari", _L, (2, 3, 5, 7), 1),
            (
                "kasus",
                "kasus",
                "Permohonan diselesaikan",
                "berkas",
                _H,
                (50, 100, 150, 200, 300, 500),
                0,
            ),
            (None, "arsip", "Dokumen diarsipkan", "dokumen", _H, (100, 200, 400), 0),
            (None, "pengaduan", "Pengaduan ditindaklanjuti", "%", _R, ((85, 100), (90, 100)), 1),
            (None, "rapat", "Rapat koordinasi difasilitasi", "kegiatan", _H, (3, 6, 12), 0),
            (None, "keluhan", "Keluhan berulang", "kasus", _L, (0, 2, 4, 6), 0),
        ],
    },
    "kesehatan": {
        "share": 20,
        "unit": ("Puskesmas",),
        "size": (15, 60),
        "head": ("Kepala Puskesmas", PositionCategory.ADMINISTRATOR, None),
        "positions": [
            (35, "Perawat", PositionCategory.FUNGSIONAL),
            (20, "Bidan", PositionCategory.FUNGSIONAL),
            (15, "Dokter", PositionCategory.FUNGSIONAL),
            (10, "Sanitarian", PositionCategory.FUNGSIONAL),
            (15, "Pengadministrasi Umum", PositionCategory.PELAKSANA),
            (5, "Kepala Subbagian Tata Usaha", PositionCategory.PENGAWAS),
        ],
        "indicators": [
            (
                "vaksinasi",
                "vaksin",
                "Jumlah vaksinasi diberikan",
                "dosis",
                _H,
                (100, 200, 300, 450, 600),
                0,
            ),
            (
                "sosialisasi",
                "sosialisasi",
                "Efektivitas sosialisasi (lulus post-test)",
                "%",
                _H,
                (70, 75, 80, 85, 90),
                1,
            ),
            (
                "kolaborasi",
                "kolaborasi",
                "Kegiatan kolaborasi dengan kader",
                "kegiatan",
                _H,
                (2, 3, 4, 6, 8),
                0,
            ),
            (None, "kunjungan", "Kunjungan rumah", "kunjungan", _H, (20, 40, 60), 0),
            (None, "tanggap", "Waktu tanggap pasien", "menit", _L, (10, 15, 20, 30), 0),
            (None, "sop", "Kepatuhan SOP", "%", _R, ((80, 95), (85, 100)), 1),
            (None, "laporan", "Laporan program tepat waktu", "laporan", _H, (3, 6, 12), 0),
        ],
    },
}
_SECTOR_NAMES: Final = tuple(_SECTORS)
_SECTOR_SHARES: Final = tuple(_SECTORS[s]["share"] for s in _SECTOR_NAMES)

# Jenjang of Fungsional positions: expert track (ahli) and skill track (keterampilan).
_JENJANG: Final = (
    (Jenjang.AHLI_PERTAMA, 30),
    (Jenjang.AHLI_MUDA, 24),
    (Jenjang.AHLI_MADYA, 10),
    (Jenjang.AHLI_UTAMA, 1),
    (Jenjang.TERAMPIL, 14),
    (Jenjang.MAHIR, 12),
    (Jenjang.PENYELIA, 8),
    (Jenjang.PEMULA, 1),
)
_JENJANG_NAMES: Final = tuple(j for j, _ in _JENJANG)
_JENJANG_WEIGHTS: Final = tuple(w for _, w in _JENJANG)
for _spec in _SECTORS.values():
    _spec["position_weights"] = tuple(w for w, _, _ in _spec["positions"])
_COUNTS: Final = (3, 4, 5, 6, 7)
_COUNT_WEIGHTS: Final = (12, 24, 30, 22, 12)
_RATINGS: Final = ("Di Atas Ekspektasi", "Sesuai Ekspektasi", "Di Bawah Ekspektasi")
_FIRST: Final = (
    "Agus",
    "Budi",
    "Citra",
    "Dewi",
    "Eko",
    "Fitri",
    "Gunawan",
    "Hendra",
    "Indah",
    "Joko",
    "Kartika",
    "Lestari",
    "Made",
    "Nur",
    "Putri",
    "Rahmat",
    "Siti",
    "Taufik",
    "Wahyu",
    "Yuni",
)
_LAST: Final = (
    "Santoso",
    "Wijaya",
    "Lestari",
    "Saputra",
    "Hidayat",
    "Kurniawan",
    "Pratama",
    "Sari",
    "Nugroho",
    "Setiawan",
    "Rahayu",
    "Susanto",
    "Siregar",
    "Nasution",
    "Wibowo",
    "Purba",
)
_RHK_TEXT: Final = (
    "Layanan utama unit terlaksana sesuai standar",
    "Mutu layanan meningkat",
    "Dukungan administrasi dan koordinasi",
)
_RHK_WEIGHTS: Final = {
    2: ((60, 40), (50, 50), None),
    3: ((50, 30, 20), ("100/3",) * 3, None),
}
_QUARTER_MONTHS = 3


# --------------------------------------------------------------------------- pieces


def _nip(rng: random.Random, kind: EmployeeKind) -> str:
    """A valid NIP: birth date, appointment 20-35 years later, gender, sequence."""
    year = rng.randint(1966, 2002)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    appointed = min(year + rng.randint(20, 35), 2025)
    if appointed - year < 18:
        appointed = year + 18
    gender = rng.choice("12")
    sequence = rng.randint(1, 999)
    middle = f"{appointed:04d}{rng.randint(1, 12):02d}"
    if kind is EmployeeKind.PPPK:
        middle = f"{appointed:04d}{rng.randint(1, 99):02d}"
    return f"{year:04d}{month:02d}{day:02d}{middle}{gender}{sequence:03d}"


class _Maker:
    """Builds models from drawn numbers, sharing the immutable parts that repeat."""

    def __init__(self, period: Period) -> None:
        self.period = period
        self.positions: dict[tuple[Any, ...], Position] = {}
        self.indicators: dict[tuple[Any, ...], Indicator] = {}
        self.behaviours: dict[str, BehaviourAssessment] = {}

    def position(self, name: str, category: PositionCategory, jenjang: Jenjang | None) -> Position:
        key = (name, category, jenjang)
        pos = self.positions.get(key)
        if pos is None:
            values = {"name": name, "category": category, "jenjang": jenjang, "level": None}
            fields = {"name", "category"} | ({"jenjang"} if jenjang else set())
            pos = self.positions[key] = _construct(Position, values, fields)
        return pos

    def employee(
        self, nip: str, name: str, kind: EmployeeKind, position: Position, unit: str, head: bool
    ) -> Employee:
        values = {
            "nip": nip,
            "name": name,
            "kind": kind,
            "position": position,
            "unit": unit,
            "is_unit_head": head,
        }
        return _construct(Employee, values, set(values))

    def indicator(self, spec: _Ind, target: Any, weight: Fraction | None, index: int) -> Indicator:
        kind, ident, name, uom, direction, _, _ = spec
        key = (id(spec), index, target, weight)  # the specs are module constants
        ind = self.indicators.get(key)
        if ind is None:
            if len(self.indicators) > 50_000:  # bounded: memory stays flat
                self.indicators.clear()
            if isinstance(target, tuple):
                lo, hi = (Decimal(v) for v in target)
                value: Any = _construct(TargetRange, {"lo": lo, "hi": hi}, {"lo", "hi"})
            else:
                value = Decimal(target)
            values = {
                "id": f"{ident}{index}",
                "name": name,
                "unit_of_measure": uom,
                "target": value,
                "direction": direction,
                "weight": weight,
                "formula": None,
                "kind": kind,
                "cap": None,
            }
            fields = {"id", "name", "unit_of_measure", "target", "direction"}
            if weight is not None:
                fields.add("weight")
            if kind is not None:
                fields.add("kind")
            ind = self.indicators[key] = _construct(Indicator, values, fields)
        return ind

    def behaviour(self, rating: str) -> BehaviourAssessment:
        found = self.behaviours.get(rating)
        if found is None:
            values = {"rating": rating, "per_value": {}, "notes": "", "scores": {},
                      "rated_360": False, "new_ideas": False}  # fmt: skip
            found = self.behaviours[rating] = _construct(BehaviourAssessment, values, {"rating"})
        return found


def _realisasi(rng: random.Random, spec: _Ind, target: Any, performance: float) -> Decimal:
    _, _, _, _, direction, _, places = spec
    ratio = max(0.3, min(1.6, performance * rng.gauss(1.0, 0.10)))
    if direction is Direction.RANGE:
        lo, hi = target
        width = hi - lo
        raw = rng.uniform(lo - 0.3 * width, hi + 0.2 * width) if ratio < 1.15 else hi + 0.1
        raw = max(raw, 0.0)
    elif direction is Direction.LOWER:
        raw = (target if target else 1) * max(0.0, 2.0 - ratio) * (1 if target else 0.5)
    else:
        raw = (target if target else 1) * ratio
    text = f"{raw:.{places}f}"
    if spec[3] == "%":
        text = f"{min(raw, 100.0):.{places}f}"
    return Decimal(text)


def _employee_plan(
    rng: random.Random,
    maker: _Maker,
    unit: tuple[Any, ...],
    index: int,
    fault_rate: float,
    head: bool,
) -> Plan:
    sector, unit_id, evaluator = unit[0], unit[1], unit[2]
    spec = _SECTORS[sector]
    if head:
        employee = evaluator
    else:
        kind = EmployeeKind.PPPK if rng.random() < 0.15 else EmployeeKind.PNS
        _, title, category = rng.choices(spec["positions"], spec["position_weights"])[0]
        jenjang = None
        if category is PositionCategory.FUNGSIONAL:
            jenjang = rng.choices(_JENJANG_NAMES, _JENJANG_WEIGHTS)[0]
        position = maker.position(title, category, jenjang)
        name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        employee = maker.employee(_nip(rng, kind), name, kind, position, unit_id, False)
    count = rng.choices(_COUNTS, _COUNT_WEIGHTS)[0]
    chosen = rng.sample(spec["indicators"], min(count, len(spec["indicators"])))
    n_rhk = 2 if count <= 4 else rng.choice((2, 3))
    groups: list[list[_Ind]] = [[] for _ in range(n_rhk)]
    for i, ind_spec in enumerate(chosen):
        groups[i % n_rhk].append(ind_spec)
    rhk_weights: Any = rng.choice(_RHK_WEIGHTS[n_rhk])
    if rhk_weights is not None and rng.random() < fault_rate:
        # A data-entry fault the models accept but scoring refuses (weights sum to 99 %).
        rhk_weights = (*rhk_weights[:-1], Fraction(rhk_weights[-1]) - 1)
    performance = max(0.5, min(1.5, rng.gauss(1.0, 0.08)))
    rhks = []
    realisations = []
    values: dict[str, Any]
    for r, group in enumerate(groups):
        weighted = len(group) == 2 and rng.random() < 0.3
        inds = []
        for j, ind_spec in enumerate(group):
            target = rng.choice(ind_spec[5])
            weight = (Fraction(70) if j == 0 else Fraction(30)) if weighted else None
            ind = maker.indicator(ind_spec, target, weight, r + 1)
            inds.append(ind)
            roll = rng.random()
            if roll < 0.01:
                continue  # not yet reported
            if roll < 0.015:
                values = {"indicator": ind.id, "value": None, "not_applicable": True, "note": ""}
                realisations.append(
                    _construct(Realisation, values, {"indicator", "not_applicable"})
                )
                continue
            value = _realisasi(rng, ind_spec, target, performance)
            values = {"indicator": ind.id, "value": value, "not_applicable": False, "note": ""}
            realisations.append(_construct(Realisation, values, {"indicator", "value"}))
        weight_value = None if rhk_weights is None else Fraction(rhk_weights[r])
        values = {
            "id": f"rhk{r + 1}",
            "description": _RHK_TEXT[r],
            "kind": RhkKind.UTAMA,
            "weight": weight_value,
            "indicators": tuple(inds),
            "intervenes": None,
        }
        fields = {"id", "description", "indicators"} | ({"weight"} if weight_value else set())
        rhks.append(_construct(RHK, values, fields))
    if performance > 1.08:
        rating = rng.choices(_RATINGS, (60, 38, 2))[0]
    elif performance < 0.92:
        rating = rng.choices(_RATINGS, (2, 58, 40))[0]
    else:
        rating = rng.choices(_RATINGS, (12, 82, 6))[0]
    plan_values = {
        "id": f"skp-{maker.period}-{index:07d}",
        "employee": employee,
        "evaluator": None if head else evaluator,
        "period": maker.period,
        "rhk": tuple(rhks),
        "expectations": {},
        "realisations": tuple(realisations),
        "behaviour": maker.behaviour(rating),
        "overrides": (),
    }
    fields = {"id", "employee", "period", "rhk", "realisations", "behaviour"}
    if not head:
        fields.add("evaluator")
    return _construct(Plan, plan_values, fields)


def _block(seed: int, block: int, maker: _Maker, fault_rate: float) -> Iterator[Plan]:
    """The BLOCK plans of one block, made from their own random stream."""
    rng = random.Random(f"kinerja-synthetic:{seed}:{block}")
    made = 0
    unit_no = 0
    while made < BLOCK:
        sector = rng.choices(_SECTOR_NAMES, _SECTOR_SHARES)[0]
        spec = _SECTORS[sector]
        size = min(rng.randint(*spec["size"]), BLOCK - made)
        unit_no += 1
        unit_id = f"u{seed}-{block:05d}-{unit_no:03d}"
        title, category, jenjang = spec["head"]
        head_position = maker.position(title, category, jenjang)
        head_nip = _nip(rng, EmployeeKind.PNS)
        evaluator = maker.employee(
            head_nip,
            f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
            EmployeeKind.PNS,
            head_position,
            unit_id,
            True,
        )
        unit = (sector, unit_id, evaluator)
        for k in range(size):
            yield _employee_plan(rng, maker, unit, block * BLOCK + made, fault_rate, k == 0)
            made += 1


def generate_plans(
    count: int,
    *,
    seed: int = 0,
    start: int = 0,
    period: str | Period = "2026-Q1",
    fault_rate: float = 0.0005,
) -> Iterator[Plan]:
    """Stream plans ``start`` … ``count - 1`` of the workforce made from ``seed``.

    Employees come in units (a school, a kecamatan office, a puskesmas) of realistic sizes;
    the first employee of a unit is its head (and the other members' evaluator). The plans
    are made lazily, one at a time. ``fault_rate`` is the share of plans with a data fault
    (RHK weights adding up to 99 %) that scores as an error result.

    >>> plan = next(generate_plans(1, seed=1))
    >>> plan.employee.is_unit_head, str(plan.period), len(plan.employee.nip)
    (True, '2026-Q1', 18)
    """
    if count < 0 or start < 0:
        raise UsageError("generate_plans() needs a non-negative count and start")
    if isinstance(seed, int) and seed.bit_length() > 256:  # it becomes text in each block's key
        raise UsageError("generate_plans(): the seed must be under 2**256 in size")
    when = period if isinstance(period, Period) else Period.parse(period)
    maker = _Maker(when)
    block = start // BLOCK
    position = block * BLOCK
    while position < count:
        for plan in _block(seed, block, maker, fault_rate):
            if position >= count:
                return
            if position >= start:
                yield plan
            position += 1
        block += 1


def generate_records(
    count: int,
    *,
    seed: int = 0,
    start: int = 0,
    period: str = "2026-Q1",
    fault_rate: float = 0.0005,
) -> Iterator[dict[str, Any]]:
    """The same plans as JSON-ready dicts (what an HR system would send): the reference
    input, validated by :meth:`Plan.model_validate`.

    >>> record = next(generate_records(1, seed=1))
    >>> Plan.model_validate(record) == next(generate_plans(1, seed=1))
    True
    """
    plans = generate_plans(count, seed=seed, start=start, period=period, fault_rate=fault_rate)
    for plan in plans:
        yield plan.model_dump(mode="json", exclude_defaults=True)


# The unit's own predikat (from its own performance appraisal), in rough proportions.
_UNIT_PREDIKAT: Final = (
    ("Istimewa", 10),
    ("Baik", 70),
    ("Butuh Perbaikan", 14),
    ("Kurang", 5),
    ("Sangat Kurang", 1),
)


def unit_predikat(unit: str) -> str:
    """The synthetic predikat of a unit, a pure function of its id (for distribution checks).

    >>> unit_predikat("u1-00000-001") == unit_predikat("u1-00000-001")
    True
    """
    roll = zlib.crc32(unit.encode()) % 100
    for name, share in _UNIT_PREDIKAT:
        if roll < share:
            return name
        roll -= share
    return "Baik"  # pragma: no cover - the shares add up to 100
