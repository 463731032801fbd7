"""The forms a partnership takes, in both languages' words: a letter of interest, an MoU, a sister
city. One reading for every stage that compares reports of a partnership: the register's records,
and whether two sentences of a claim check or an answer speak of the same step ("MoU kota kembar"
and "nota kesepahaman sister city" do).
"""

from __future__ import annotations

import re

# Forms, most advanced last within the ladder of one partnership.
FORM_PATTERNS = (
    ("exploration", re.compile(r"\b(menjajaki|penjajakan|jajaki|dijajaki|explor\w*)\b", re.I)),
    ("membership", re.compile(r"\b(bergabung|keanggotaan|kepesertaan|menjadi anggota|anggota|member(ship)?|joined)\b", re.I)),
    ("letter of interest", re.compile(r"\b(letter of interest|LoI|surat pernyataan minat|pernyataan minat)\b", re.I)),
    ("MoU", re.compile(r"\b(MoU|MOU|(?i:nota kesepahaman|memorandum of understanding))\b")),
    ("cooperation agreement", re.compile(r"\b(perjanjian kerja ?sama|cooperation agreement|menandatangani kerja ?sama|"
                                         r"penandatanganan kerja ?sama)\b", re.I)),
    ("business-to-business", re.compile(r"\b(business to business|business-to-business|B2B|bisnis ke bisnis)\b", re.I)),
)
CITY_FORMS = (
    ("sister city", re.compile(r"\b(kota kembar|sister city|sister cities)\b", re.I)),
    ("friendship city", re.compile(r"\b(kota persahabatan|kota (yang )?bersahabat|friendship city)\b", re.I)),
)
LADDER = ("exploration", "membership", "letter of interest", "MoU", "cooperation agreement", "business-to-business")


def forms_in(text: str) -> frozenset[str]:
    """The forms and city forms a text names, by their register names."""
    return frozenset(name for name, pattern in FORM_PATTERNS + CITY_FORMS if pattern.search(text))
