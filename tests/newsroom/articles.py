"""Articles written for the tests, in the styles of city press releases and national outlets, in
Indonesian and English: a press release and three reposts of it, two outlets that disagree on a
signing date, a plan and its completion, a report and its correction, and others the register must
read right. None is in corpus/; the partners and people are made up for the tests."""

from __future__ import annotations

import json
from pathlib import Path

PRESS_RELEASE = (
    "Pemerintah Kota Malang resmi menjalin kerja sama dengan Pemerintah Kota Chiang Mai, Thailand. "
    "Nota kesepahaman (MoU) kerja sama kedua kota ditandatangani di Balai Kota Malang, Selasa (14/3/2023).\n"
    "Penandatanganan dilakukan oleh Wali Kota Malang Sutiaji dan Wali Kota Chiang Mai Assanee Buranupakorn, "
    "disaksikan jajaran perangkat daerah dan perwakilan Konsulat Jenderal Thailand di Surabaya.\n"
    "Kerja sama tersebut mencakup bidang pendidikan, pariwisata, dan ekonomi kreatif. Sutiaji mengatakan kedua "
    "kota memiliki kemiripan sebagai kota pendidikan yang dikelilingi pegunungan dan sama-sama mengandalkan "
    "wisata alam serta kerajinan tangan.\n"
    "Menurut Sutiaji, langkah pertama setelah penandatanganan adalah pertukaran pelajar tingkat sekolah menengah "
    "dan pelatihan bagi pelaku usaha kerajinan. Pemkot Malang juga akan mengirim tim untuk mempelajari "
    "pengelolaan pasar malam di Chiang Mai yang menjadi tujuan wisata utama kota itu.\n"
    "Assanee Buranupakorn menyampaikan terima kasih atas sambutan warga Malang. Ia berharap hubungan kedua kota "
    "dapat membuka jalan bagi penerbangan langsung dan kunjungan wisatawan dari Thailand utara ke Jawa Timur."
)


def _repost(text: str, dateline: str, edits: dict[str, str], drop: str | None = None, footer: str = "") -> str:
    for old, new in edits.items():
        assert old in text, old
        text = text.replace(old, new)
    if drop:
        assert drop in text, drop
        text = text.replace(drop, "")
    return f"{dateline}{text}{footer}"


ARTICLES = [
    {"id": "malang-chiangmai-pr", "outlet": "Humas Pemkot Malang", "date": "2023-03-14",
     "title": "Pemkot Malang dan Chiang Mai Teken MoU Kerja Sama", "url": "https://malangkota.example/mou-chiang-mai",
     "text": PRESS_RELEASE},
    {"id": "malang-chiangmai-radar", "outlet": "Radar Malang", "date": "2023-03-15",
     "title": "Malang Gandeng Chiang Mai", "url": "https://radarmalang.example/malang-gandeng-chiang-mai",
     "text": _repost(PRESS_RELEASE, "MALANG KOTA – ", {"resmi menjalin": "secara resmi menjalin",
                                                       "disaksikan jajaran": "yang disaksikan jajaran"},
                     drop=" Ia berharap hubungan kedua kota dapat membuka jalan bagi penerbangan langsung dan "
                          "kunjungan wisatawan dari Thailand utara ke Jawa Timur.")},
    {"id": "malang-chiangmai-post", "outlet": "Malang Post", "date": "2023-03-15",
     "title": "Kota Malang dan Chiang Mai Sepakat Kerja Sama Pendidikan dan Wisata",
     "url": "https://malangpost.example/malang-chiang-mai",
     "text": _repost(PRESS_RELEASE, "Malang, Malang Post - ", {"Menurut Sutiaji,": "Sutiaji menambahkan,",
                                                             "tujuan wisata utama": "destinasi utama"},
                     footer="\n(Editor: Rina Kusuma)")},
    {"id": "malang-chiangmai-jatim", "outlet": "Jatim Times", "date": "2023-03-16",
     "title": "Kerja Sama Sister City Malang–Chiang Mai Dimulai", "url": "https://jatimtimes.example/malang-chiangmai",
     "text": "Kota Malang menambah daftar mitra luar negerinya. " + _repost(
         PRESS_RELEASE, "", {"Selasa (14/3/2023)": "Selasa (14/3/2023) lalu", "sambutan warga": "sambutan hangat warga"},
         drop=" Pemkot Malang juga akan mengirim tim untuk mempelajari pengelolaan pasar malam di Chiang Mai yang "
              "menjadi tujuan wisata utama kota itu.")},

    {"id": "bandung-hamamatsu-kompas", "outlet": "Kompas", "date": "2022-11-10",
     "title": "Bandung dan Hamamatsu Sepakati Kerja Sama Pengelolaan Sampah",
     "url": "https://kompas.example/bandung-hamamatsu",
     "text": "BANDUNG, KOMPAS — Pemerintah Kota Bandung menandatangani nota kesepahaman dengan Pemerintah Kota "
             "Hamamatsu, Jepang, di Hamamatsu, Rabu (9/11/2022). Kerja sama itu meliputi pengelolaan sampah dan "
             "transportasi publik.\nWali Kota Bandung Yana Mulyana mengatakan Bandung ingin belajar dari cara "
             "Hamamatsu memilah sampah rumah tangga sejak dari dapur warga. Menurut dia, volume sampah Bandung yang "
             "dikirim ke tempat pembuangan akhir masih sekitar 1.500 ton per hari.\nSelain itu, kedua kota akan "
             "menyusun program magang bagi pegawai dinas perhubungan di perusahaan bus kota Hamamatsu."},
    {"id": "bandung-hamamatsu-antara", "outlet": "Antara", "date": "2022-11-11",
     "title": "Pemkot Bandung jalin kemitraan dengan Hamamatsu", "url": "https://antara.example/bandung-hamamatsu",
     "text": "Hamamatsu (ANTARA) - Nota kesepahaman antara Kota Bandung dan Kota Hamamatsu, Jepang, ditandatangani "
             "Selasa (8/11/2022) oleh Wali Kota Bandung Yana Mulyana dan Wali Kota Hamamatsu Yasutomo Suzuki. "
             "Kemitraan kedua kota berfokus pada daur ulang sampah dan angkutan umum.\nSuzuki menyebut Hamamatsu "
             "siap berbagi pengalaman mengelola 12 jenis pemilahan sampah. Delegasi Bandung dijadwalkan kembali "
             "ke tanah air pada akhir pekan."},

    {"id": "semarang-brisbane-plan", "outlet": "Humas Pemkot Semarang", "date": "2022-05-02",
     "title": "Semarang Siapkan Kerja Sama Kota Kembar dengan Brisbane", "url": "https://semarangkota.example/brisbane",
     "text": "Pemerintah Kota Semarang akan menandatangani nota kesepahaman kota kembar dengan Kota Brisbane, "
             "Australia, pada Juni 2022. Rencana itu disampaikan Wali Kota Semarang Hendrar Prihadi usai menerima "
             "Konsul Jenderal Australia di Balai Kota Semarang.\nMenurut Hendrar, kerja sama yang disiapkan "
             "meliputi pengendalian banjir, pendidikan vokasi, dan pengembangan kawasan tepi sungai."},
    {"id": "semarang-brisbane-signed", "outlet": "Jakarta Globe", "date": "2022-06-21",
     "title": "Semarang and Brisbane sign sister city pact", "url": "https://jakartaglobe.example/semarang-brisbane",
     "text": "Semarang. The Semarang City Government and the City of Brisbane signed a sister city memorandum of "
             "understanding on Monday (June 20, 2022), capping months of preparation.\nSemarang Mayor Hendrar "
             "Prihadi said the cooperation covers flood control, vocational education and riverfront development. "
             "Brisbane Lord Mayor Adrian Schrinner said the city would host Semarang engineers later this year."},

    {"id": "makassar-davao-first", "outlet": "Tribun Timur", "date": "2023-02-09",
     "title": "Makassar dan Davao Teken LoI", "url": "https://tribun.example/makassar-davao",
     "text": "MAKASSAR - Pemerintah Kota Makassar dan Pemerintah Kota Davao, Filipina, menandatangani surat "
             "pernyataan minat (letter of interest) kerja sama di bidang pariwisata dan perdagangan, Kamis "
             "(9/2/2023).\nWali Kota Makassar Mohammad Ramdhan Pomanto menyebut Davao sebagai mitra yang tepat karena "
             "sama-sama kota pelabuhan di kawasan BIMP-EAGA."},
    {"id": "makassar-davao-correction", "outlet": "Tribun Timur", "date": "2023-02-11",
     "title": "Ralat: Tanggal Penandatanganan LoI Makassar-Davao", "url": "https://tribun.example/ralat-makassar-davao",
     "text": "Ralat. Dalam berita sebelumnya disebutkan surat pernyataan minat kerja sama Kota Makassar dan Kota "
             "Davao ditandatangani Kamis (9/2/2023). Yang benar, surat pernyataan minat itu ditandatangani Jumat "
             "(10/2/2023) di Davao. Redaksi mohon maaf atas kekeliruan tersebut."},

    {"id": "yogyakarta-kyoto-target", "outlet": "Harian Jogja", "date": "2024-05-20",
     "title": "Jogja Targetkan LoI dengan Kyoto Akhir Tahun", "url": "https://harianjogja.example/jogja-kyoto",
     "text": "YOGYAKARTA - Pemerintah Kota Yogyakarta menargetkan penandatanganan surat pernyataan minat (letter of "
             "interest) dengan Pemerintah Kota Kyoto, Jepang, pada akhir 2024. Penjabat Wali Kota Yogyakarta "
             "Singgih Raharjo mengatakan kerja sama itu diharapkan mencakup pelestarian cagar budaya, kerajinan "
             "perak, dan pengelolaan wisata heritage.\nPembahasan awal sudah dilakukan bersama Konsulat Jenderal "
             "Jepang di Surabaya pekan lalu."},
    {"id": "pontianak-kuching", "outlet": "Pontianak Post", "date": "2021-09-23",
     "title": "Pontianak dan Kuching Resmi Jadi Kota Kembar", "url": "https://pontianakpost.example/kuching",
     "text": "PONTIANAK - Pemerintah Kota Pontianak dan Dewan Bandaraya Kuching Selatan menandatangani nota "
             "kesepahaman kota kembar antara Kota Pontianak dan Kota Kuching, Malaysia, Rabu (22/9/2021). "
             "Penandatanganan disaksikan sejumlah anggota DPRD Kota Pontianak.\nWali Kota Pontianak Edi Rusdi Kamtono "
             "dan Datuk Bandar Kuching Selatan Wee Hong Seng sepakat bekerja sama di bidang perdagangan lintas batas, "
             "kebudayaan, dan kesehatan."},
    {"id": "denpasar-citynet", "outlet": "Bali Post", "date": "2021-03-18",
     "title": "Denpasar Resmi Bergabung dengan CityNet", "url": "https://balipost.example/denpasar-citynet",
     "text": "DENPASAR - Pemerintah Kota Denpasar resmi menjadi anggota CityNet, jaringan pemerintah kota se-Asia "
             "Pasifik, sejak Maret 2021. Wali Kota Denpasar I Gusti Ngurah Jaya Negara mengatakan keanggotaan itu "
             "membuka akses pelatihan di bidang penanggulangan bencana dan pengelolaan air bersih bagi aparatur kota."},
    {"id": "balikpapan-mcallen-en", "outlet": "Balikpapan City Government", "date": "2023-08-02",
     "title": "Balikpapan explores cooperation with McAllen", "url": "https://balikpapan.example/mcallen",
     "text": "The Balikpapan City Government is exploring cooperation with the City of McAllen, United States, in "
             "trade, port logistics and health services. Balikpapan Mayor Rahmad Mas'ud and McAllen Mayor Javier "
             "Villalobos met online on Tuesday (August 1, 2023). Both cities plan to sign a letter of interest "
             "next year."},
]


def write_corpus(folder: Path, ids: list[str] | None = None, articles: list[dict] | None = None) -> Path:
    """The articles (ARTICLES, or `articles`; all, or those of `ids`) as one JSONL corpus file in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "articles.jsonl"
    chosen = [a for a in (ARTICLES if articles is None else articles) if ids is None or a["id"] in ids]
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in chosen), encoding="utf-8")
    return path


# Written after the register's rules for this issue were frozen, and measured once: the figures
# on these are the register's on articles nobody tuned it on.
HELD_OUT = [
    {"id": "surabaya-guangzhou-en", "outlet": "Jakarta Post", "date": "2023-10-13",
     "title": "Surabaya, Guangzhou renew sister city ties", "url": "https://jakartapost.example/surabaya-guangzhou",
     "text": "The Surabaya city administration and the City of Guangzhou, China, renewed their sister city "
             "agreement on Thursday (Oct. 12, 2023) in Guangzhou. The renewed memorandum of understanding covers "
             "port management, education and culture.\nSurabaya Mayor Eri Cahyadi said the two cities had "
             "exchanged civil servants since the partnership began in 2005."},
    {"id": "tarakan-tawau", "outlet": "Humas Pemkot Tarakan", "date": "2023-06-06",
     "title": "Tarakan Jajaki Kerja Sama dengan Tawau", "url": "https://tarakankota.example/tawau",
     "text": "Pemerintah Kota Tarakan menjajaki kerja sama dengan Kota Tawau, Malaysia, di bidang perdagangan dan "
             "kesehatan. Penjajakan dilakukan saat Wali Kota Tarakan Khairul menerima kunjungan delegasi Majlis "
             "Perbandaran Tawau di ruang rapat wali kota, Senin (5/6/2023)."},
    {"id": "bogor-iclei", "outlet": "Republika", "date": "2020-02-14",
     "title": "Kota Bogor Jadi Anggota ICLEI", "url": "https://republika.example/bogor-iclei",
     "text": "BOGOR - Pemerintah Kota Bogor bergabung dengan ICLEI sejak 2019. Sekretaris Daerah Kota Bogor "
             "Syarifah Sofiah mengatakan keanggotaan dalam jaringan pemerintah daerah itu membuka peluang kerja "
             "sama di bidang lingkungan hidup dan energi terbarukan."},
    {"id": "medan-georgetown-en", "outlet": "Medan City Government", "date": "2023-09-04",
     "title": "Medan to sign MoU with George Town", "url": "https://pemkomedan.example/george-town",
     "text": "The Medan City Government is scheduled to sign a memorandum of understanding with the City of George "
             "Town, Malaysia, in December 2023. Medan Mayor Bobby Nasution said the cooperation will focus on "
             "tourism, halal food and heritage conservation."},
    {"id": "kupang-cdu", "outlet": "Pos Kupang", "date": "2023-03-04",
     "title": "Pemkot Kupang dan Charles Darwin University Teken MoU", "url": "https://poskupang.example/cdu",
     "text": "KUPANG - Pemerintah Kota Kupang dan Charles Darwin University menandatangani nota kesepahaman di "
             "bidang pendidikan dan pertanian lahan kering, Jumat (3/3/2023). Penandatanganan dilakukan Penjabat "
             "Wali Kota Kupang George Hadjoh dan Wakil Rektor Charles Darwin University Scott Bowman."},
    {"id": "surakarta-yeosu", "outlet": "Solopos", "date": "2023-08-22",
     "title": "Solo dan Yeosu Resmi Jadi Kota Kembar", "url": "https://solopos.example/solo-yeosu",
     "text": "SOLO - Pemerintah Kota Surakarta meresmikan hubungan kota kembar dengan Kota Yeosu, Korea Selatan. Nota "
             "kesepahaman ditandatangani Wali Kota Surakarta Gibran Rakabuming Raka dan Wali Kota Yeosu Jung Ki-myung "
             "di Loji Gandrung, Senin (21/8/2023). Kerja sama itu meliputi kebudayaan, pariwisata bahari, dan UMKM."},
]
