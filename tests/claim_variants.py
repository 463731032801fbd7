"""Reports of partnership signings and claims about them, in the words, date formats and word
orders newsrooms use (issue 28, part 2). Seeded, no network.

Each generated partnership is a pair of cities that signs one form on one day, reported
- agreeing: by two outlets, each in its own wording, both giving that day (a claim of it is supported);
- differing: by one outlet, giving another day than the claim (contradicted);
- disputed: by two independent outlets a day apart (a claim of either day is disputed, and a
  question about the day is answered with the disagreement).

One index holds them all, so an answer or a check meets other partnerships of the same city, as
in a real archive. The claims are drawn by hypothesis (tests/test_claim_properties.py) from the
same vocabularies: every form's names in both languages, the signing verbs, four date formats
and four word orders.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

SEED = 28

INDONESIAN_CITIES = """Ambon Balikpapan Bandung Banjarmasin Batam Bekasi Bengkulu Bitung Blitar Bogor Bontang
    Bukittinggi Cilegon Cimahi Cirebon Denpasar Depok Dumai Gorontalo Jambi Jayapura Kediri Kendari Kupang Madiun
    Magelang Makassar Malang Manado Mataram Medan Padang Palembang Pekalongan Pekanbaru Pontianak Salatiga
    Samarinda Semarang Serang Singkawang Sorong Sukabumi Surabaya Surakarta Tangerang Tarakan Tasikmalaya Tegal
    Ternate Yogyakarta""".split()
FOREIGN_CITIES = {
    ("Jepang", "Japan"): """Kyoto Osaka Nagoya Sapporo Fukuoka Kobe Sendai Hiroshima Kanazawa Nagasaki Okayama
        Kumamoto Niigata Shizuoka Matsuyama Kagoshima Toyama Gifu Nara Kochi Akita Aomori Morioka Yokohama
        Kawasaki Chiba Saitama Utsunomiya Takamatsu""".split(),
    ("Korea Selatan", "South Korea"): """Busan Incheon Daegu Daejeon Gwangju Ulsan Suwon Changwon Jeonju Cheongju
        Pohang Gimhae Mokpo Gangneung Chuncheon Wonju Gyeongju Andong""".split(),
    ("Tiongkok", "China"): """Shenzhen Xiamen Fuzhou Nanning Kunming Chengdu Wuhan Hangzhou Nanjing Qingdao
        Dalian Tianjin Harbin Changsha Haikou""".split(),
    ("Australia", "Australia"): "Perth Adelaide Cairns Townsville Hobart Geelong Ballarat Bendigo".split(),
    ("Malaysia", "Malaysia"): "Ipoh Melaka Seremban Kuantan Sandakan Miri Sibu".split(),
    ("Filipina", "the Philippines"): "Cebu Iloilo Zamboanga Baguio Bacolod".split(),
    ("Belanda", "the Netherlands"): "Rotterdam Utrecht Leiden Groningen".split(),
    ("Jerman", "Germany"): "Hamburg Bremen Freiburg Dresden".split(),
    ("Prancis", "France"): "Lyon Marseille Toulouse Nantes Bordeaux".split(),
    ("Amerika Serikat", "the United States"): "Seattle Portland Denver Austin Honolulu".split(),
}

# Every name of each form, and of each city form, in both languages (rag/text/forms.py reads them).
FORMS = {"MoU": ("MoU", "nota kesepahaman", "memorandum of understanding"),
         "letter of interest": ("letter of interest", "LoI", "surat pernyataan minat")}
CITY_FORMS = ("kota kembar", "sister city", "kota bersaudara")
SIGNING_VERBS = ("menandatangani", "meneken", "resmi menandatangani")
PASSIVE_VERBS = ("ditandatangani", "diteken")
FIELDS = ("pendidikan", "pariwisata", "perdagangan", "kebudayaan", "perikanan", "pengelolaan pelabuhan",
          "pelatihan vokasi", "kesehatan", "pengelolaan sampah")
OUTLETS = ("Kompas", "Antara", "Tribun", "Detik", "Tempo", "Republika", "Suara Merdeka", "Jawa Pos")
MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
             "November", "Desember")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")
WEEKDAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def date_formats(day: datetime.date) -> tuple[str, ...]:
    """The Indonesian formats: "12 Maret 2019", "12/3/2019", "Selasa (12/3/2019)", "Selasa, 12 Maret 2019"."""
    long = f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"
    short = f"{day.day}/{day.month}/{day.year}"
    weekday = WEEKDAYS_ID[day.weekday()]
    return long, short, f"{weekday} ({short})", f"{weekday}, {long}"


def english_date(day: datetime.date) -> str:
    return f"{MONTHS_EN[day.month - 1]} {day.day}, {day.year}"


@dataclass(frozen=True)
class Partnership:
    local: str
    partner: str
    country: tuple[str, str]
    form: str  # a key of FORMS
    sister_city: bool  # whether the reports name the city form (each by any of its names)
    day: datetime.date
    verdict: str  # what a claim of `day` gets: supported, contradicted or disputed
    articles: tuple[dict, ...]

    def claims(self) -> tuple[str, ...]:
        """Every wording of a claim of this signing on `day` (the property test draws from them)."""
        out = []
        for name in FORMS[self.form]:
            for city in CITY_FORMS if self.sister_city else ("",):
                form = f"{name} {city}".strip()
                for date in date_formats(self.day):
                    for verb in SIGNING_VERBS:
                        out.append(f"{self.local} dan {self.partner} {verb} {form} pada {date}")
                        out.append(f"Pada {date}, {self.local} dan {self.partner} {verb} {form}")
                        out.append(f"{self.local} {verb} {form} dengan {self.partner} pada {date}")
                    for verb in PASSIVE_VERBS:
                        out.append(f"{form[0].upper()}{form[1:]} {self.local} dan {self.partner} {verb} pada {date}")
        for name in (n for n in FORMS[self.form] if n.isascii() and " pernyataan " not in n):
            for city in ("sister city ",) if self.sister_city else ("",):
                out.append(f"{self.local} and {self.partner} signed a {city}{name} on {english_date(self.day)}")
                out.append(f"On {english_date(self.day)}, {self.local} signed a {city}{name} with {self.partner}")
        return tuple(out)

    def question(self) -> str:
        return f"Kapan {self.local} dan {self.partner} menandatangani {FORMS[self.form][0]}?"


def _report(rng: random.Random, p: dict, day: datetime.date, outlet: str, number: int, shape: int) -> dict:
    """One outlet's report of the signing on `day`, in the wording `shape` (one of four): two
    independent reports never share one, or they would be a repost with its date edited."""
    name = rng.choice(FORMS[p["form"]])
    form = f"{name} {rng.choice(CITY_FORMS)}" if p["sister_city"] else name
    date = rng.choice(date_formats(day))
    fields = rng.sample(FIELDS, 3)
    local, partner, country = p["local"], p["partner"], p["country"][0]
    if shape == 0:
        text = (f"{local.upper()} - Pemerintah Kota {local} dan Pemerintah Kota {partner}, {country}, "
                f"{rng.choice(SIGNING_VERBS)} {form} di Balai Kota {local}, {date}. Kerja sama itu meliputi "
                f"{fields[0]}, {fields[1]}, dan {fields[2]}.")
    elif shape == 1:
        text = (f"{local} ({outlet}) - {form[0].upper()}{form[1:]} antara Kota {local} dan Kota {partner}, {country}, "
                f"{rng.choice(PASSIVE_VERBS)} pada {date} oleh wali kota kedua kota. Delegasi {partner} juga meninjau "
                f"sentra {fields[0]} di {local}.")
    elif shape == 2:
        text = (f"Wali Kota {local} dan Wali Kota {partner} {rng.choice(SIGNING_VERBS)} {form} pada {date}. "
                f"Penandatanganan itu disaksikan anggota DPRD {local}. Kedua kota akan bekerja sama di bidang "
                f"{fields[0]} dan {fields[1]}.")
    else:
        text = (f"Pada {date}, Pemkot {local} {rng.choice(SIGNING_VERBS)} {form} dengan Pemerintah Kota {partner}. "
                f"Menurut Sekretaris Daerah {local}, kerja sama berfokus pada {fields[0]} dan {fields[1]}.")
    published = day + datetime.timedelta(days=rng.randrange(1, 3))
    return {"id": f"{local}-{partner}-{number}".lower(), "outlet": outlet, "date": published.isoformat(),
            "title": f"{local} dan {partner} teken kerja sama", "text": text}


def generate(per_verdict: int = 33, seed: int = SEED) -> list[Partnership]:
    """`per_verdict` partnerships for each verdict, each with its own foreign city; Indonesian
    cities recur (one city, several partners, as in a real archive)."""
    rng = random.Random(seed)
    foreign = [(city, country) for country, cities in FOREIGN_CITIES.items() for city in cities]
    rng.shuffle(foreign)
    if len(foreign) < 3 * per_verdict:
        raise ValueError(f"{len(foreign)} foreign cities for {3 * per_verdict} partnerships")
    made = []
    for n, verdict in enumerate(("supported", "contradicted", "disputed") * per_verdict):
        partner, country = foreign[n]
        local = rng.choice(INDONESIAN_CITIES)
        day = datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randrange(3000))
        base = {"local": local, "partner": partner, "country": country, "form": rng.choice(list(FORMS)),
                "sister_city": rng.random() < 0.5}
        outlets, shapes = rng.sample(OUTLETS, 2), rng.sample(range(4), 2)
        if verdict == "supported":
            articles = (_report(rng, base, day, outlets[0], 1, shapes[0]), _report(rng, base, day, outlets[1], 2, shapes[1]))
        elif verdict == "contradicted":
            other = day + datetime.timedelta(days=rng.choice((-3, -2, 2, 3, 30)))
            articles = (_report(rng, base, other, outlets[0], 1, shapes[0]),)
        else:
            articles = (_report(rng, base, day, outlets[0], 1, shapes[0]),
                        _report(rng, base, day + datetime.timedelta(days=1), outlets[1], 2, shapes[1]))
        made.append(Partnership(local, partner, country, base["form"], base["sister_city"], day, verdict, articles))
    return made


if __name__ == "__main__":
    for partnership in generate(2):
        print(partnership.verdict, partnership.claims()[0])
        for article in partnership.articles:
            print("   ", article["outlet"], article["date"], article["text"])
