"""Words the partnership register reads by: Indonesian places, foreign countries, international
organisations, and the Indonesian and English phrasing of forms, statuses and fields.

General vocabulary of the domain (kerja sama luar negeri), not a list of the seed articles'
partners: a partner is found by the shape of its mention ("Pemerintah Kota X" for a city that is
not Indonesian, "X University", "PPI X", an organisation below), so new partners are found too.
"""

from __future__ import annotations

import re
from enum import StrEnum

from rag.text.forms import CITY_FORMS, FORM_PATTERNS, LADDER, SIGNING_WORDS, CityForm, Form  # noqa: F401 (the register's words)
from rag.text.morphology import words_pattern
from rag.text.reporting import EXPLORING, PLAN

# Indonesia's cities (kota) and provinces, as news writes them: a "Kota X" that is not here is foreign.
INDONESIAN_PLACES = frozenset(
    """
    Ambon Balikpapan Banda Aceh Bandar Lampung Bandung Banjar Banjarbaru Banjarmasin Batam Batu Baubau
    Bekasi Bengkulu Bima Binjai Bitung Blitar Bogor Bontang Bukittinggi Cilegon Cimahi Cirebon Denpasar
    Depok Dumai Gorontalo Gunungsitoli Jambi Jayapura Kediri Kendari Kotamobagu Kupang Langsa
    Lhokseumawe Lubuklinggau Madiun Magelang Makassar Malang Manado Mataram Medan Metro Mojokerto
    Padang Panjang Padangsidimpuan Pagar Alam Palangka Raya Palangkaraya Palembang Palopo Palu
    Pangkalpinang Parepare Pariaman Pasuruan Payakumbuh Pekalongan Pekanbaru Pematangsiantar
    Pontianak Prabumulih Probolinggo Sabang Salatiga Samarinda Sawahlunto Semarang Serang Sibolga
    Singkawang Solok Sorong Subulussalam Sukabumi Sungai Penuh Surabaya Surakarta Solo Tangerang
    Selatan Tanjungbalai Tanjungpinang Tarakan Tasikmalaya Tebing Tinggi Tegal Ternate Tidore Tomohon
    Tual Yogyakarta Jakarta Aceh Sumatera Utara Barat Riau Kepulauan Lampung Banten Jawa Tengah Timur
    Bali Nusa Tenggara Kalimantan Sulawesi Maluku Papua Indonesia
    """.split()
)

COUNTRIES = {
    "Korea Selatan": "Korea Selatan", "Korea": "Korea Selatan", "South Korea": "Korea Selatan",
    "Jepang": "Jepang", "Japan": "Jepang", "Tiongkok": "Tiongkok", "China": "Tiongkok", "Cina": "Tiongkok",
    "Filipina": "Filipina", "Philippines": "Filipina", "Malaysia": "Malaysia", "Singapura": "Singapura",
    "Singapore": "Singapura", "Thailand": "Thailand", "Vietnam": "Vietnam", "Australia": "Australia",
    "Belanda": "Belanda", "Netherlands": "Belanda", "Jerman": "Jerman", "Germany": "Jerman",
    "Prancis": "Prancis", "Perancis": "Prancis", "France": "Prancis", "Inggris": "Inggris",
    "United Kingdom": "Inggris", "Amerika Serikat": "Amerika Serikat", "United States": "Amerika Serikat",
    "Turki": "Turki", "Turkey": "Turki", "India": "India", "Taiwan": "Taiwan", "Selandia Baru": "Selandia Baru",
}

# International organisations and networks of local governments: alias → name in the register.
ORGANISATIONS = {
    "UCLG ASPAC": "UCLG ASPAC", "UCLG Asia Pasifik": "UCLG ASPAC", "UCLG Asia Pacific": "UCLG ASPAC",
    "United Cities and Local Governments Asia Pasific": "UCLG ASPAC",
    "United Cities and Local Governments Asia Pacific": "UCLG ASPAC",
    "United Cities and Local Governments": "UCLG", "UCLG": "UCLG", "CityNet": "CityNet", "ICLEI": "ICLEI",
    "UN-Habitat": "UN-Habitat", "UNDP": "UNDP", "UNICEF": "UNICEF", "UNESCO": "UNESCO", "JICA": "JICA",
    "KOICA": "KOICA", "USAID": "USAID", "GIZ": "GIZ", "Bank Dunia": "Bank Dunia", "World Bank": "Bank Dunia",
    "Asian Development Bank": "ADB", "ADB": "ADB", "C40": "C40", "Metropolis": "Metropolis",
}

# Places of two words; any other "Kota X" is taken to be the one word X (a name often follows).
TWO_WORD_PLACES = frozenset({"Kuala Lumpur", "Ho Chi", "Hong Kong", "New York", "Quezon City", "Kota Kinabalu", "Da Nang",
                             "San Francisco", "Los Angeles", "Den Haag", "Abu Dhabi"})
# Indonesian place names that are also given names ("Wali Kota Bogor Bima Arya"): no anchor for a role.
PLACES_ALSO_NAMES = frozenset({"Bima", "Batu", "Metro", "Solo", "Banjar", "Tual", "Palu", "Ambon"})

# Nicknames and common nouns written after "Kota" that are not places ("Kota Hujan" is Bogor).
NOT_PLACES = frozenset(
    "Hujan Pusaka Cerdas Hijau Persahabatan Kembar Bersahabat Pintar Mitra Kembang Pahlawan Pelajar Santri "
    "Wisata Industri Tua Baru Administrasi Besar Kecil Metropolitan".split()
)

COOPERATION = re.compile(
    r"\b(kerja ?sama|kerjsama|bekerja ?sama|kemitraan|bermitra|mitra|partnership|cooperation|agreement)\b", re.I
)


class Status(StrEnum):
    """How far a reported step has gone, in that order: planned, under way, signed."""

    PLANNED = "planned"
    ONGOING = "ongoing"
    SIGNED = "signed"


class PartnerType(StrEnum):
    CITY = "city"
    COUNTRY = "country"
    INTERNATIONAL_ORGANISATION = "international organisation"
    UNIVERSITY = "university"
    STUDENTS_ASSOCIATION = "students' association"
    COMPANY = "company"


STATUS_PATTERNS = (
    # Intention, plan, target or schedule: a step not yet taken (rag/text/reporting.py).
    (Status.PLANNED, PLAN),
    # A renewal is a signing too ("memperpanjang nota kesepahaman", "renewed their agreement").
    (Status.SIGNED, re.compile(rf"\b({words_pattern(SIGNING_WORDS)}|resmi|"
                          r"memperpanjang|diperpanjang|perpanjangan|renew\w*)\b", re.I)),
    (Status.ONGOING, re.compile(r"\b(menjalin|terjalin|bergabung|anggota|sejak|periode|berlangsung|ongoing|member)\b", re.I)),
    # Exploring is under way, not planned ("tengah menjajaki"); "akan menjajaki" is planned by "akan".
    (Status.ONGOING, EXPLORING),
)
STATUS_ORDER = tuple(Status)

FIELDS = (
    ("smart city", r"kota cerdas|smart city|kota pintar"),
    ("transport", r"transportasi|lalu lintas|angkutan|transport\w*|transit|pedestrian"),
    ("clean water", r"air bersih|clean water|air minum"),
    ("education", r"pendidikan|sekolah|pelajar|magang|vokasi|education|vocational|beasiswa"),
    ("culture", r"kebudayaan|budaya|culture|cultural"),
    ("tourism", r"pariwisata|wisata|tourism"),
    ("agriculture", r"pertanian|agro\w*|agricultur\w*|organic city"),
    ("health", r"kesehatan|perawat|rumah sakit|health"),
    ("disaster management", r"bencana|kebakaran|banjir|disaster|flood\w*"),
    ("waste management", r"sampah|limbah|persampahan|waste|recycling"),
    ("trade", r"perdagangan|trade|investasi|investment"),
    ("environment", r"lingkungan hidup|ruang terbuka|environment\w*"),
    ("housing", r"permukiman|perumahan|housing"),
    ("technology", r"teknologi|technology"),
    ("public services", r"pelayanan publik|public service\w*"),
    ("security", r"keamanan|security"),
    ("fisheries", r"perikanan|fisheries|fishery"),
    # A port as a field of work, not "kota pelabuhan" (a port city) nor a port's name.
    ("port management", r"(?:pengelolaan|pengembangan|logistik|manajemen|operasional) pelabuhan|kepelabuhanan|"
                        r"port (?:management|logistics|development|operations?)|harbou?r management"),
)
FIELD_PATTERNS = tuple((name, re.compile(rf"\b({pattern})\b", re.I)) for name, pattern in FIELDS)
# What introduces the list of a cooperation's fields: "di bidang A, B dan C", "meliputi …", "covers …".
FIELD_LIST = re.compile(
    r"\b(?:di bidang|dalam bidang|bidang|meliputi|mencakup|berfokus pada|fokus pada|"
    r"in the fields? of|covers|covering|focus(?:es|ed)? on)\s+([^.:()\"\u201c\u201d]+)", re.I)
# Where a list of fields ends: a clause that says something else about them.
FIELD_LIST_END = re.compile(r"\s(?:yang|karena|sehingga|untuk|bagi|agar|dengan|which|because|so that|for|with)\s", re.I)

ROLE_START = re.compile(
    r"\b(Wali ?[Kk]ota|Walikota|Wakil Wali ?[Kk]ota|Bupati|Gubernur|Menteri|Kepala|Sekretaris Jenderal|Sekjen|"
    r"Sekretaris Daerah|Direktur|Pelaksana Harian|Profesor|Prof\.|Duta Besar|Konsul|Kuasa Usaha|Presiden|"
    r"Ketua|Mayor|Governor|Minister|Professor|Ambassador)\b"
)


def status_of(text: str) -> Status | None:
    """The furthest status the sentence states; an intention ("akan menandatangani") is planned."""
    found = [name for name, pattern in STATUS_PATTERNS if pattern.search(text)]
    if Status.PLANNED in found and (Status.SIGNED in found or not found[1:]):
        return Status.PLANNED  # "akan menandatangani": not signed yet
    return max(found, key=STATUS_ORDER.index) if found else None
