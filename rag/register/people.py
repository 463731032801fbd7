"""The people of a partnership: each named with the role the text gives them ("Wali Kota Bogor
Bima Arya", "Profesor Junseok Hwang", "… Kemendagri, Amran"), the speaker of a sentence by the
role the article gave them before, and no national office in a city's partnership."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rag.register.words import COUNTRIES, INDONESIAN_PLACES, ORGANISATIONS, PLACES_ALSO_NAMES, ROLE_START
from rag.text.dates import WEEKDAY

# People --------------------------------------------------------------------------------------

# "…, kata Dinar." The one who speaks of a partnership for a party is one of its people, by the
# name and role the article gave them where it introduced them.
_SPEAKER = re.compile(r"\b(?:kata|ujar|ucap|tutur|jelas|beber|papar|ungkap|tegas|imbuh|said)\s+([A-Z][\w'’-]+)")
# A national office (a minister, the president) is context or a witness in a city's partnership.
_NATIONAL_OFFICE = re.compile(r"^(?:Menteri|Presiden|Wakil Presiden|Minister|President)\b")


def speakers(text: str, officials: dict[str, str]) -> list[tuple[str, str]]:
    named = {m.group(1) for m in _SPEAKER.finditer(text)}
    return [(name, role) for name, role in officials.items() if named & set(name.split())]


def party_people(local_party: str, people: Iterable[tuple[str, str]]) -> Iterable[tuple[str, str]]:
    national = local_party in ("Kemendagri", "Pemerintah Indonesia")
    return ((name, role) for name, role in people if national or not _NATIONAL_OFFICE.match(role))


_RUN_TOKEN = re.compile(rf"\s*(?!(?i:{WEEKDAY})\b)(\([^)]*\)|,|[A-Z][\w'’-]*(?:\.(?=\s[A-Z]))?|dan|di|&)")


def people_in(text: str, partner_names: set[str]) -> Iterable[tuple[str, str]]:
    """(name, role) for "Wali Kota Bogor Bima Arya", "Profesor Junseok Hwang", "… Kemendagri, Amran"."""
    anchors = {word for name in partner_names for word in name.split()}
    for match in ROLE_START.finditer(text):
        tokens, position = [match.group()], match.end()
        while token := _RUN_TOKEN.match(text, position):
            if token.group(1) in ("dan", "&", ",") and ROLE_START.match(text, token.end() + 1):
                break  # "Wali Kota X A dan Wakil Wali Kota Y B": the next person, with a role of their own
            tokens.append(token.group(1))
            position = token.end()
        while tokens and tokens[-1] in ("dan", "di", "&", ","):
            tokens.pop()
        yield from _coordinated(tokens, anchors)


def _coordinated(tokens: list[str], anchors: set[str]) -> Iterable[tuple[str, str]]:
    """"Wali Kota Pontianak Edi Rusdi Kamtono dan Datuk Bandar Kuching Selatan Wee Hong Seng" is two
    people when each side has a place or body before a name; "Menteri Lingkungan Hidup dan
    Kehutanan RI Siti Nurbayan" is one, with "dan" inside the role."""
    if "dan" in tokens:
        sides = " ".join(tokens).split(" dan ")
        people = [person for side in sides if (person := _split_role(side.split(" "), anchors)) is not None]
        if len(people) == len(sides) and all(any(_is_anchor(t, anchors) for t in side.split(" ")[1:]) for side in sides):
            yield from people
            return
    person = _split_role(tokens, anchors)
    if person:
        yield person


def _split_role(tokens: list[str], anchors: set[str]) -> tuple[str, str] | None:
    """Split "role words, place, name" where the name is the last one to five words after a place,
    an organisation or the role word; after a comma, whatever follows."""
    if "," in tokens:
        comma = tokens.index(",")
        name, role = [t for t in tokens[comma + 1:] if t[0].isupper()], tokens[:comma]
    else:
        cuts = [i + 1 for i, t in enumerate(tokens) if i == 0 or t.startswith("(") or _is_anchor(t, anchors)]
        # The longest name after the role that holds no place or body ("Wali Kota Malang Sutiaji").
        fitting = [c for c in cuts if 1 <= len(tokens) - c <= 5
                   and not any(_is_anchor(t, anchors) or t in ("dan", "di", "&") for t in tokens[c:])]
        if not fitting:
            # "… Jung Ki-myung di Loji Gandrung": where, after the name, not part of it
            return _split_role(tokens[:len(tokens) - tokens[::-1].index("di") - 1], anchors) if "di" in tokens else None
        cut = fitting[0]
        name, role = tokens[cut:], tokens[:cut]
    if not 1 <= len(name) <= 5 or any(t in ("dan", "di", "&") or t.startswith("(") or _is_anchor(t, anchors) for t in name):
        return None  # "Wali Kota Kisarazu merasa …" names a place, not a person
    return " ".join(name), " ".join(t for t in role if not t.startswith("("))


def _is_anchor(token: str, anchors: set[str]) -> bool:
    if token in PLACES_ALSO_NAMES:
        return False
    return (token in INDONESIAN_PLACES or token in COUNTRIES or token in anchors or token in ORGANISATIONS
            or token in ("RI", "Kemendagri", "KBRI", "Setdakot", "Pemkot") or (token.isupper() and len(token) > 1))
