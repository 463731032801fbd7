"""Documents written for the tests: a saved web page and a text PDF, made here, not downloaded."""

from __future__ import annotations

SAVED_PAGE = """<!DOCTYPE html>
<html lang="id"><head>
<meta charset="utf-8">
<title>Surabaya dan Kitakyushu perpanjang kerja sama air bersih | Warta Kota Contoh</title>
<meta property="og:site_name" content="Warta Kota Contoh">
<meta property="og:url" content="https://warta.example/surabaya-kitakyushu">
<meta property="article:published_time" content="2019-03-14T09:00:00+07:00">
</head><body>
<nav><a href="/">Beranda</a> | <a href="/politik">Politik</a> | <a href="/login">Masuk</a></nav>
<article>
<h1>Surabaya dan Kitakyushu perpanjang kerja sama air bersih</h1>
<p>Pemerintah Kota Surabaya memperpanjang kerja sama kota kembar dengan Kota Kitakyushu, Jepang, di bidang
pengelolaan air bersih dan sampah. Nota kesepahaman baru ditandatangani di Balai Kota Surabaya pada 14 Maret 2019.</p>
<p>Wali Kota Surabaya mengatakan kerja sama itu akan berlangsung lima tahun dan mencakup pelatihan teknisi
perusahaan daerah air minum di Kitakyushu.</p>
</article>
<aside>Baca juga: Harga cabai naik menjelang Lebaran</aside>
<footer>Hak cipta 2019 Warta Kota Contoh. Semua hak dilindungi.</footer>
</body></html>
"""

PDF_PAGES = [
    "NOTA KESEPAHAMAN\nANTARA PEMERINTAH KOTA MEDAN\nDAN PEMERINTAH KOTA ICHIKAWA\nTENTANG KERJA SAMA KOTA BERSAUDARA",
    "Pasal 1\nKedua pihak sepakat bekerja sama di bidang pendidikan, kebudayaan dan penanganan bencana.\n"
    "Pasal 2\nNota kesepahaman ini berlaku selama lima tahun sejak ditandatangani di Medan pada 2 Mei 2018.",
]


def make_pdf(pages: list[str], title: str | None = None) -> bytes:
    """A minimal text PDF (Helvetica, one line per line of text), readable by any PDF library."""

    def literal(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    objects: dict[int, str] = {1: "<< /Type /Catalog /Pages 2 0 R >>", 3: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
    kids, number = [], 4
    for text in pages:
        stream = "BT /F1 11 Tf 14 TL 50 750 Td " + " ".join(f"({literal(line)}) Tj T*" for line in text.split("\n")) + " ET"
        objects[number] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                           f"/Resources << /Font << /F1 3 0 R >> >> /Contents {number + 1} 0 R >>")
        objects[number + 1] = f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream"
        kids.append(number)
        number += 2
    objects[2] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    info = None
    if title:
        info = number
        objects[info] = f"<< /Title ({literal(title)}) >>"
        number += 1
    out, offsets = b"%PDF-1.4\n", {}
    for key in sorted(objects):
        offsets[key] = len(out)
        out += f"{key} 0 obj\n{objects[key]}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {number}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offsets[key]:010d} 00000 n \n".encode() for key in range(1, number))
    trailer = f"<< /Size {number} /Root 1 0 R" + (f" /Info {info} 0 R" if info else "") + " >>"
    out += f"trailer\n{trailer}\nstartxref\n{xref}\n%%EOF\n".encode()
    return out
