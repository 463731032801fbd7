"""The forms a partnership takes, in both languages' words: a letter of interest, an MoU, a sister
city. One reading for every stage that compares reports of a partnership: the register's records,
and whether two sentences of a claim check or an answer speak of the same step ("MoU kota kembar"
and "nota kesepahaman sister city" do).
"""

from __future__ import annotations

import re
from enum import StrEnum

from rag.text.morphology import english_forms, indonesian_forms
from rag.text.reporting import EXPLORING, is_intention


class Form(StrEnum):
    """A partnership's step, in the order of its ladder: the most advanced last."""

    EXPLORATION = "exploration"
    MEMBERSHIP = "membership"
    LETTER_OF_INTEREST = "letter of interest"
    MOU = "MoU"
    COOPERATION_AGREEMENT = "cooperation agreement"
    BUSINESS_TO_BUSINESS = "business-to-business"


class CityForm(StrEnum):
    """What two cities become to each other, beside the document that makes them so."""

    SISTER_CITY = "sister city"
    FRIENDSHIP_CITY = "friendship city"


FORM_PATTERNS = (
    (Form.EXPLORATION, EXPLORING),
    (Form.MEMBERSHIP, re.compile(r"\b(bergabung|keanggotaan|kepesertaan|menjadi anggota|anggota|member(ship)?|joined)\b", re.I)),
    (Form.LETTER_OF_INTEREST, re.compile(r"\b(letter of interest|LoI|surat pernyataan minat|pernyataan minat)\b", re.I)),
    (Form.MOU, re.compile(r"\b(MoU|MOU|(?i:nota kesepahaman|memorandum of understanding))\b")),
    (Form.COOPERATION_AGREEMENT, re.compile(r"\b(perjanjian kerja ?sama|cooperation agreement|menandatangani kerja ?sama|"
                                            r"penandatanganan kerja ?sama)\b", re.I)),
    (Form.BUSINESS_TO_BUSINESS, re.compile(r"\b(business to business|business-to-business|B2B|bisnis ke bisnis)\b", re.I)),
)
CITY_FORMS = (
    (CityForm.SISTER_CITY, re.compile(r"\b(kota kembar|kota bersaudara|sister city|sister cities)\b", re.I)),
    (CityForm.FRIENDSHIP_CITY, re.compile(r"\b(kota persahabatan|kota (yang )?bersahabat|friendship city)\b", re.I)),
)
# "Menandatangani kerja sama" (to sign a cooperation) names a signing, not which document: an
# agreement where the article names no other, else the letter or MoU it named before.
NAMED_AGREEMENT = re.compile(r"\b(perjanjian kerja ?sama|cooperation agreement)\b", re.I)
DOCUMENTS = (Form.LETTER_OF_INTEREST, Form.MOU)
LADDER = tuple(Form)


# The plain names of the forms a claim or question may use for one another, each matched by its
# form's pattern above (tests/test_sources_differ.py checks): "MoU" in a claim finds "nota
# kesepahaman" in an article.
FORM_ALIASES = {
    Form.LETTER_OF_INTEREST: ("letter of interest", "LoI", "surat pernyataan minat"),
    Form.MOU: ("MoU", "nota kesepahaman", "memorandum of understanding"),
    Form.COOPERATION_AGREEMENT: ("perjanjian kerja sama", "cooperation agreement"),
    CityForm.SISTER_CITY: ("kota kembar", "kota bersaudara", "sister city"),
    CityForm.FRIENDSHIP_CITY: ("kota persahabatan", "friendship city"),
}


def form_names_in(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each name of a form the text uses, lower-cased, with the form's other names:
    ("mou", ("nota kesepahaman", "memorandum of understanding"))."""
    lowered = text.lower()
    found = []
    for aliases in FORM_ALIASES.values():
        names = [a.lower() for a in aliases]
        for name in names:
            if re.search(rf"\b{re.escape(name)}\b", lowered):
                found.append((name, tuple(n for n in names if n != name)))
    return found


# The roots of signing: "tanda tangan" (signature) and "teken" (KBBI: to sign, the newsroom's word:
# "meneken", "diteken"); "sign" and "ink" ("inked a deal"). Their forms come from the affix rules
# (rag/text/morphology.py), not from a list of the forms seen in articles.
SIGNING_ROOTS = {"id": ("tanda tangan", "teken"), "en": ("sign", "ink")}
SIGNING_WORDS = frozenset().union(*(indonesian_forms(r) for r in SIGNING_ROOTS["id"]),
                                  *(english_forms(r) for r in SIGNING_ROOTS["en"]))


def other_stage(text: str, planned: bool) -> bool:
    """Whether `text` reports a partnership's step at the other stage than asked: a plan ("akan
    menandatangani LoI … 7-10 Juni") where the step taken is asked about, or the reverse. A plan and
    its carrying out are two steps, as in the register."""
    return bool(forms_in(text)) and is_intention(text) != planned


def forms_in(text: str) -> frozenset[Form | CityForm]:
    """The forms and city forms a text names, by their register names."""
    return steps_in(text) | frozenset(name for name, pattern in CITY_FORMS if pattern.search(text))


def steps_in(text: str) -> frozenset[Form]:
    """The forms a text names, without the city forms that only qualify them ("sister city")."""
    return frozenset(name for name, pattern in FORM_PATTERNS if pattern.search(text))
