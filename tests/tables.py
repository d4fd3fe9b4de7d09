"""Regulation tables the tests check the bundled rulebooks against, each written once.

Input: none. Output: plain tuples, for ``pytest.mark.parametrize``. Guarantees: each table is
copied from the regulation it cites and from nowhere else; a test file that needs one imports
it from here rather than keeping its own copy.
"""

from __future__ import annotations

# PermenPANRB No. 6 Tahun 2022 (Pengelolaan Kinerja Pegawai Aparatur Sipil Negara), Lampiran:
# the matrix of Predikat Kinerja Pegawai from Rating Hasil Kerja (rows) and Rating Perilaku
# Kerja (columns). Each row: (rating hasil kerja, rating perilaku kerja, predikat).
PREDIKAT_6_2022: tuple[tuple[str, str, str], ...] = (
    ("Di Atas Ekspektasi", "Di Atas Ekspektasi", "Sangat Baik"),
    ("Di Atas Ekspektasi", "Sesuai Ekspektasi", "Baik"),
    ("Di Atas Ekspektasi", "Di Bawah Ekspektasi", "Kurang/Misconduct"),
    ("Sesuai Ekspektasi", "Di Atas Ekspektasi", "Baik"),
    ("Sesuai Ekspektasi", "Sesuai Ekspektasi", "Baik"),
    ("Sesuai Ekspektasi", "Di Bawah Ekspektasi", "Kurang/Misconduct"),
    ("Di Bawah Ekspektasi", "Di Atas Ekspektasi", "Butuh Perbaikan"),
    ("Di Bawah Ekspektasi", "Sesuai Ekspektasi", "Butuh Perbaikan"),
    ("Di Bawah Ekspektasi", "Di Bawah Ekspektasi", "Sangat Kurang"),
)
