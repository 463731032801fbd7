"""How news reports a step: as intended rather than taken, and as a correction of an earlier report.

The conventions of Indonesian and English news writing, not of any one article: an intention,
plan, target or schedule ("akan", "menargetkan", "dijadwalkan", "will", "plans to") is a step not
yet taken; a correction is headed "Ralat" / "Correction" and restates the error ("sebelumnya
diberitakan …", "an earlier version said …") before the right value ("yang benar …"). The
register, the answers and the claim checker read these so that a plan later carried out, or a
report later corrected, is not mistaken for sources that disagree.
"""

from __future__ import annotations

import re

# A step not yet taken: intention, plan, target or schedule ("menargetkan penandatanganan …").
PLAN = re.compile(
    r"\b(akan|rencana\w*|berencana|segera|nanti|harus|diharapkan|"
    r"menargetkan|ditargetkan|targetkan|target|dijadwalkan|terjadwal|"
    r"will|plan\w*|expect\w*|intend\w*|aims?\s+to|scheduled|hopes?\s+to|targets?)\b", re.I)
# Exploring a partnership: a step short of any signing, so never the step a question about a
# signing asks for; but an activity under way, not a plan, where the register gives its status.
EXPLORING = re.compile(r"\b(menjajaki|penjajakan|jajaki|dijajaki|explor\w*)\b", re.I)
# A report that corrects an earlier one, by its heading or its formula.
CORRECTION = re.compile(r"\b(ralat|koreksi|yang benar|mohon maaf atas kekeliruan|correction|corrected|"
                        r"clarification)\b", re.I)
# A sentence of a correction that restates the error it corrects.
RESTATED_ERROR = re.compile(
    r"\b(sebelumnya\s+(?:di)?(?:sebutkan|beritakan|tuliskan|tulis)|(?:di)?(?:sebutkan|beritakan|tulis)\w*\s+sebelumnya|"
    r"berita sebelumnya|an earlier (?:version|report)|previously (?:reported|stated|said)|incorrectly)\b", re.I)


def is_intention(sentence: str) -> bool:
    """A step not yet taken: planned, or only explored."""
    return PLAN.search(sentence) is not None or EXPLORING.search(sentence) is not None


def is_correction(title: str | None, text: str) -> bool:
    """Does the article correct an earlier report (its title, or its opening, says so)?"""
    return CORRECTION.search(f"{title or ''}\n{text[:400]}") is not None


def restates_error(sentence: str) -> bool:
    return RESTATED_ERROR.search(sentence) is not None
