"""Numbers as Indonesian and English news write them, read the same way by every module: the
answer kinds (quantities, money), the claim checker and the check of generated sentences.

"14.00", "1,5", "1.000.000" and "2016" are each one number; Indonesian writes a thousands point
and a decimal comma, English the reverse, so a number's text, not a float, is what is compared.
"""

from __future__ import annotations

import re

NUMBER = r"(?<![\d.,])\d+(?:[.,]\d+)*"
NUMBER_WORDS = (r"(?:satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|seratus|seribu|sejuta|"
                r"belasan|puluhan|ratusan|ribuan|jutaan|miliaran|"
                r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens|hundreds|thousands|millions)")
SCALE = r"(?:juta|ribu|miliar|milyar|triliun|million|billion|thousand|trillion|jt|M)"
CURRENCY = r"(?:Rp\.?|IDR|US\$|USD|\$|€|£|¥|S\$|RM)"
CURRENCY_WORD = r"(?:rupiah|dolar|dollar|dollars|yen|won|euro|euros|ringgit|yuan|peso|pesos|baht)"
_NUMBER = re.compile(NUMBER)


def find_numbers(text: str) -> list[re.Match]:
    """Every number written in digits, in order."""
    return list(_NUMBER.finditer(text))


def number_key(number: str) -> str:
    """What two writings of one number share: "1,5" and "1.5" compare equal."""
    return number.replace(",", ".")
