"""The register a careful reader would write from tests/newsroom/articles.py: one record per
partnership, with its headline form, status and date, its fields, its people and the steps the
articles name. A field outside the register's gazetteer is written as the articles write it; an
article in each language may name it in its own words (any of the alternatives counts)."""

from __future__ import annotations

# (local party, partner) → expected record. "date" lists the acceptable headline dates: where
# the sources disagree, either source's date (the record must then carry the conflict).
EXPECTED = {
    ("Pemerintah Kota Malang", "Chiang Mai"): {
        "form": "MoU", "status": "signed", "date": ["2023-03-14"],
        "fields": [{"education"}, {"tourism"}, {"ekonomi kreatif"}],
        "people": {"Sutiaji", "Assanee Buranupakorn"}, "stages": {"MoU"}, "conflicts": set()},
    ("Pemerintah Kota Bandung", "Hamamatsu"): {
        "form": "MoU", "status": "signed", "date": ["2022-11-09", "2022-11-08"],
        "fields": [{"waste management"}, {"transport"}],
        "people": {"Yana Mulyana", "Yasutomo Suzuki"}, "stages": {"MoU"}, "conflicts": {"date"}},
    ("Pemerintah Kota Semarang", "Brisbane"): {
        "form": "MoU (sister city)", "status": "signed", "date": ["2022-06-20"],
        "fields": [{"disaster management"}, {"education"},
                   {"pengembangan kawasan tepi sungai", "riverfront development"}],
        "people": {"Hendrar Prihadi", "Adrian Schrinner"}, "stages": {"MoU"}, "conflicts": set()},
    ("Pemerintah Kota Makassar", "Davao"): {
        "form": "letter of interest", "status": "signed", "date": ["2023-02-10"],
        "fields": [{"tourism"}, {"trade"}],
        "people": {"Mohammad Ramdhan Pomanto"}, "stages": {"letter of interest"}, "conflicts": set()},
    ("Pemerintah Kota Yogyakarta", "Kyoto"): {
        "form": "letter of interest", "status": "planned", "date": ["2024"],
        "fields": [{"culture"}, {"kerajinan perak"}, {"tourism"}],
        "people": {"Singgih Raharjo"}, "stages": {"letter of interest"}, "conflicts": set()},
    ("Pemerintah Kota Pontianak", "Kuching"): {
        "form": "MoU (sister city)", "status": "signed", "date": ["2021-09-22"],
        "fields": [{"trade"}, {"culture"}, {"health"}],
        "people": {"Edi Rusdi Kamtono", "Wee Hong Seng"}, "stages": {"MoU"}, "conflicts": set()},
    ("Pemerintah Kota Denpasar", "CityNet"): {
        "form": "membership", "status": "ongoing", "date": ["2021-03"],
        "fields": [{"disaster management"}, {"clean water"}],
        "people": {"I Gusti Ngurah Jaya Negara"}, "stages": {"membership"}, "conflicts": set()},
    ("Pemerintah Kota Balikpapan", "McAllen"): {
        "form": "letter of interest", "status": "planned", "date": ["2024"],
        "fields": [{"trade"}, {"port logistics"}, {"health"}],
        "people": {"Rahmad Mas'ud", "Javier Villalobos"}, "stages": {"exploration", "letter of interest"},
        "conflicts": set()},
}


HELD_OUT_EXPECTED = {
    ("Pemerintah Kota Surabaya", "Guangzhou"): {
        "form": "MoU (sister city)", "status": "signed", "date": ["2023-10-12"],
        "fields": [{"port management"}, {"education"}, {"culture"}],
        "people": {"Eri Cahyadi"}, "stages": {"MoU"}, "conflicts": set()},
    ("Pemerintah Kota Tarakan", "Tawau"): {
        "form": "exploration", "status": "ongoing", "date": ["2023-06-05"],
        "fields": [{"trade"}, {"health"}],
        "people": {"Khairul"}, "stages": {"exploration"}, "conflicts": set()},
    ("Pemerintah Kota Bogor", "ICLEI"): {
        "form": "membership", "status": "ongoing", "date": ["2019"],
        "fields": [{"environment"}, {"energi terbarukan"}],
        "people": {"Syarifah Sofiah"}, "stages": {"membership"}, "conflicts": set()},
    ("Pemerintah Kota Medan", "George Town"): {
        "form": "MoU", "status": "planned", "date": ["2023-12"],
        "fields": [{"tourism"}, {"halal food"}, {"heritage conservation"}],
        "people": {"Bobby Nasution"}, "stages": {"MoU"}, "conflicts": set()},
    ("Pemerintah Kota Kupang", "Charles Darwin University"): {
        "form": "MoU", "status": "signed", "date": ["2023-03-03"],
        "fields": [{"education"}, {"agriculture"}],
        "people": {"George Hadjoh", "Scott Bowman"}, "stages": {"MoU"}, "conflicts": set()},
    ("Pemerintah Kota Surakarta", "Yeosu"): {
        "form": "MoU (sister city)", "status": "signed", "date": ["2023-08-21"],
        "fields": [{"culture"}, {"tourism"}, {"UMKM"}],
        "people": {"Gibran Rakabuming Raka", "Jung Ki-myung"}, "stages": {"MoU"}, "conflicts": set()},
}
