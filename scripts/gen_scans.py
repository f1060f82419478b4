#!/usr/bin/env python3
"""Writes the scanned-document fixtures of fixtures/scans/ (see fixtures/scans/README.md).

Each page is rendered as a Chinese office document would be printed (serif body, bold sans
title), then "scanned": a red seal stamped over part of it, a handwritten signature, a small
rotation, paper tint, sensor noise and dust. It is saved as JPEG, or as a scanner's "document
mode" would keep it (paper whitened, flate-compressed 8-bit gray or RGB). The pages are wrapped
in minimal PDFs (one image XObject drawn over the whole A4 page) and in one OFD package (an
ImageObject over a MultiMedia resource). Some pages are scanned at 72 or 200 dpi instead of
150, or turned a quarter or half turn before scanning (a sheet fed sideways or upside down).

    python3 scripts/gen_scans.py [OUT_DIR]

Needs Python 3.9+, Pillow and a CJK font (Debian: fonts-noto-cjk or fonts-wqy-zenhei). The
output is the same on every run with the same Pillow and font; the tests read the committed
files and never run this script. The committed files were made with Pillow 13.0.0
(`pip install Pillow==13.0.0`) and Debian bookworm's fonts-noto-cjk 1:20220127+repack1-1;
another Pillow or font may change their bytes (then keep the committed files).
"""

import io
import math
import os
import random
import sys
import zipfile
import zlib

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps

DPI = 150
A4_MM = (210.0, 297.0)
A4_PT = (595.28, 841.89)
A4_LANDSCAPE_PT = (A4_PT[1], A4_PT[0])
JPEG_QUALITY = 70
# Where the seal's box sits on the acceptance opinion, as shares of its size left of the date's
# end and above the date's middle: beside the date, its ring across the last character; and
# squarely over the date's end, as 骑年盖月 stamping puts it.
SEAL_BESIDE_DATE = (0.15, 0.8)
SEAL_OVER_DATE = (0.45, 0.62)
# For the scans added later: beside the date a little further in than SEAL_BESIDE_DATE (whose
# ring, turned, touches the right edge of a 72 dpi page), the ring across the date's last
# character; and over the day of a date in Chinese numerals (十五日), the date line running
# through the name on the upper arc: the ring crosses 十, the name covers 五日.
SEAL_ON_LAST_CHAR = (0.25, 0.75)
SEAL_OVER_DAY = (0.47, 0.19)
# A darker, yellower sheet than the default, for the scans added for resolution and orientation.
OLD_PAPER = dict(sigma=5.5, dust=0.00015, tint=(244, 240, 228))

SERIF = [
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
]
SANS_BOLD = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
]


def font(candidates, size):
    """The Simplified Chinese face of the first font file found."""
    for path in candidates:
        if not os.path.exists(path):
            continue
        for index in range(10):
            try:
                f = ImageFont.truetype(path, size, index=index)
            except OSError:
                break
            family = f.getname()[0]
            if " SC" in family or "WenQuanYi" in family:
                return f
    sys.exit("no CJK font found: apt-get install fonts-noto-cjk (or fonts-wqy-zenhei)")


def pt(points, dpi=DPI):
    """Points to pixels at `dpi`."""
    return round(points * dpi / 72)


def mm(millimetres, dpi=DPI):
    """Millimetres to pixels at `dpi`."""
    return round(millimetres / 25.4 * dpi)


def page_size(dpi=DPI):
    return (mm(A4_MM[0], dpi), mm(A4_MM[1], dpi))


def wrap(text, f, width, indent=0):
    """Breaks CJK text into lines no wider than `width` px (any character may end a line, except
    that closing punctuation never starts one)."""
    lines, current = [], ""
    first = True
    closing = "，。、；：）”’！？"
    for ch in text:
        limit = width - (indent if first else 0)
        if f.getlength(current + ch) > limit and current and ch not in closing:
            lines.append((current, indent if first else 0))
            current, first = ch, False
        else:
            current += ch
    if current:
        lines.append((current, indent if first else 0))
    return lines


class Page:
    """A white A4 page at `dpi` with a text cursor."""

    def __init__(self, dpi=DPI):
        self.dpi = dpi
        self.img = Image.new("RGB", page_size(dpi), (255, 255, 255))
        self.draw = ImageDraw.Draw(self.img)
        self.margin_x = mm(28, dpi)
        self.y = mm(37, dpi)
        self.width = self.img.width - 2 * self.margin_x
        self.ink = (28, 28, 30)

    def title(self, text, size=22):
        f = font(SANS_BOLD, pt(size, self.dpi))
        w = f.getlength(text)
        self.draw.text(((self.img.width - w) / 2, self.y), text, font=f, fill=self.ink)
        self.y += round(pt(size, self.dpi) * 2.2)

    def paragraph(self, text, size=16, indent=True, align="left"):
        f = font(SERIF, pt(size, self.dpi))
        em = pt(size, self.dpi)
        out = []
        for line, ind in wrap(text, f, self.width, 2 * em if indent else 0):
            x = self.margin_x + ind
            if align == "right":
                x = self.margin_x + self.width - f.getlength(line) - 2 * em
            self.draw.text((x, self.y), line, font=f, fill=self.ink)
            out.append((x, self.y, f.getlength(line), em))
            self.y += round(em * 1.75)
        return out

    def gap(self, lines=0.5, size=16):
        self.y += round(pt(size, self.dpi) * 1.75 * lines)


def seal(diameter, name, rng, color=(220, 30, 40), alpha=150):
    """A round official seal (ring, star, name on the upper arc) as an RGBA image, with uneven
    ink."""
    size = diameter + 8
    layer = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(layer)
    c = size / 2
    r = diameter / 2
    ring = max(3, round(diameter * 0.035))
    d.ellipse((c - r, c - r, c + r, c + r), outline=255, width=ring)
    # The five-pointed star.
    rs, ri = r * 0.27, r * 0.27 * 0.382
    pts = []
    for k in range(10):
        a = -math.pi / 2 + k * math.pi / 5
        rr = rs if k % 2 == 0 else ri
        pts.append((c + rr * math.cos(a), c + rr * math.sin(a)))
    d.polygon(pts, fill=255)
    # The name, one character at a time along the upper arc.
    fsize = round(diameter * 0.15)
    f = font(SANS_BOLD, fsize)
    span = math.radians(230)
    n = len(name)
    for i, ch in enumerate(name):
        a = -math.pi / 2 - span / 2 + span * (i + 0.5) / n
        glyph = Image.new("L", (fsize * 2, fsize * 2), 0)
        ImageDraw.Draw(glyph).text((fsize / 2, fsize / 2), ch, font=f, fill=255)
        glyph = glyph.rotate(-math.degrees(a) - 90, resample=Image.BICUBIC)
        gr = r - ring - fsize * 0.75
        x = c + gr * math.cos(a) - fsize
        y = c + gr * math.sin(a) - fsize
        layer.paste(255, (round(x), round(y)), glyph)
    # Uneven ink: thin out the stamp in patches.
    patchy = Image.frombytes("L", (size // 8 + 1, size // 8 + 1), rng.randbytes((size // 8 + 1) ** 2))
    patchy = patchy.resize((size, size), Image.BILINEAR).point(lambda v: 140 + v * 115 // 255)
    layer = ImageChops.multiply(layer, patchy).point(lambda v: v * alpha // 255)
    stamp = Image.new("RGBA", (size, size), color + (0,))
    stamp.putalpha(layer)
    return stamp


def signature(width, height, rng):
    """A handwritten scrawl in dark blue: a few connected strokes."""
    layer = Image.new("L", (width, height), 0)
    d = ImageDraw.Draw(layer)
    x, y = 4.0, height * 0.6
    pts = [(x, y)]
    for _ in range(22):
        x += rng.uniform(width / 40, width / 14)
        y = height * rng.uniform(0.15, 0.85)
        pts.append((min(x, width - 4), y))
    d.line(pts, fill=255, width=3, joint="curve")
    d.line([(width * 0.1, height * 0.8), (width * 0.9, height * 0.55)], fill=255, width=2)
    stamp = Image.new("RGBA", (width, height), (25, 35, 110, 0))
    stamp.putalpha(layer.filter(ImageFilter.GaussianBlur(0.6)))
    return stamp


def scan(img, rng, angle, sigma=4.5, dust=0.0001, tint=(247, 245, 238)):
    """What a flatbed scanner makes of a page: tinted paper, slight blur, rotation, noise, dust."""
    paper = Image.new("RGB", img.size, tint)
    img = ImageChops.multiply(img, paper)
    img = img.filter(ImageFilter.GaussianBlur(0.7))
    img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=tint)
    w, h = img.size
    # Sensor noise: the sum of three uniform fields is close to Gaussian (deterministic by seed).
    n = w * h
    fields = [Image.frombytes("L", (w, h), rng.randbytes(n)) for _ in range(3)]
    noise = ImageChops.add(ImageChops.add(fields[0], fields[1], scale=2), fields[2], scale=2)
    # (a+b)/2 + c)/2 has mean 127.5 and std ≈ 0.61 × 73.6 ≈ 45: scale to sigma around 128.
    k = sigma / 45.0
    noise = noise.point(lambda v: max(0, min(255, round(128 + (v - 127.5) * k))))
    img = ImageChops.add(img, Image.merge("RGB", (noise, noise, noise)), scale=1, offset=-128)
    # Dust: dark specks of one to three pixels.
    d = ImageDraw.Draw(img)
    for _ in range(round(n * dust)):
        x, y = rng.randrange(w), rng.randrange(h)
        s = rng.choice((0, 0, 1, 1, 2))
        g = rng.randrange(50, 140)
        d.rectangle((x, y, x + s, y + s), fill=(g, g, g))
    return img


def jpeg(img, quality=JPEG_QUALITY, dpi=DPI):
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, subsampling=2, optimize=True, dpi=(dpi, dpi))
    return buf.getvalue()


def pdf(image_dict, data, page=A4_PT):
    """A one-page PDF (A4 portrait unless `page` says otherwise) whose only content is one image
    XObject drawn over the whole page."""
    w, h = page
    content = f"q\n{w:.2f} 0 0 {h:.2f} 0 0 cm\n/Im0 Do\nQ\n".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w:.2f} {h:.2f}] "
            f"/Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>"
        ).encode(),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        f"<< /Type /XObject /Subtype /Image {image_dict} /Length {len(data)} >>\nstream\n".encode()
        + data
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_jpeg(img, data, page=A4_PT):
    cs = "/DeviceGray" if img.mode == "L" else "/DeviceRGB"
    return pdf(
        f"/Width {img.width} /Height {img.height} /ColorSpace {cs} /BitsPerComponent 8 /Filter /DCTDecode",
        data,
        page,
    )


def pdf_flate_gray(gray):
    data = zlib.compress(gray.tobytes(), 9)
    return pdf(
        f"/Width {gray.width} /Height {gray.height} /ColorSpace /DeviceGray /BitsPerComponent 8 "
        f"/Filter /FlateDecode",
        data,
    )


def pdf_flate_rgb(rgb):
    data = zlib.compress(rgb.tobytes(), 9)
    return pdf(
        f"/Width {rgb.width} /Height {rgb.height} /ColorSpace /DeviceRGB /BitsPerComponent 8 "
        f"/Filter /FlateDecode",
        data,
    )


def document_mode(img):
    """A scanner's "document" colour mode: the paper's tint and noise whitened away (flate keeps
    every variation), colours kept."""
    if img.mode == "L":
        return img.point(lambda v: 255 if v > 200 else v)
    paper = img.convert("L").point(lambda v: 255 if v > 205 else 0)
    out = img.copy()
    out.paste((255, 255, 255), mask=paper)
    # 16 levels a channel: enough for text and seal, and small once compressed.
    return ImageOps.posterize(out, 4)


def ofd(jpeg_bytes):
    """An OFD package (GB/T 33190) with one A4 page whose only object is the scanned image."""
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    parts = {
        "OFD.xml": head
        + f'<ofd:OFD {ns} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
        "<ofd:DocID>6a0f0b1e5c3d4e2f8a9b7c6d5e4f3a2b</ofd:DocID><ofd:Title>竣工验收意见</ofd:Title>"
        "<ofd:CreationDate>2023-06-15</ofd:CreationDate></ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": head
        + f"<ofd:Document {ns}><ofd:CommonData><ofd:MaxUnitID>10</ofd:MaxUnitID>"
        "<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
        "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes><ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>"
        '</ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/>'
        "</ofd:Pages></ofd:Document>",
        "Doc_0/PublicRes.xml": head + f'<ofd:Res {ns} BaseLoc="Res"></ofd:Res>',
        "Doc_0/DocumentRes.xml": head
        + f'<ofd:Res {ns} BaseLoc="Res"><ofd:MultiMedias>'
        '<ofd:MultiMedia ID="5" Type="Image" Format="JPEG"><ofd:MediaFile>image_5.jpg</ofd:MediaFile>'
        "</ofd:MultiMedia></ofd:MultiMedias></ofd:Res>",
        "Doc_0/Pages/Page_0/Content.xml": head
        + f"<ofd:Page {ns}><ofd:Area><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:Area>"
        '<ofd:Content><ofd:Layer ID="2" Type="Body">'
        '<ofd:ImageObject ID="3" ResourceID="5" Boundary="0 0 210 297" CTM="210 0 0 297 0 0"/>'
        "</ofd:Layer></ofd:Content></ofd:Page>",
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2023, 6, 15, 10, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))
        info = zipfile.ZipInfo("Doc_0/Res/image_5.jpg", date_time=(2023, 6, 15, 10, 0, 0))
        info.compress_type = zipfile.ZIP_STORED
        z.writestr(info, jpeg_bytes)
    return buf.getvalue()


def acceptance_opinion(
    rng,
    seal_at=SEAL_BESIDE_DATE,
    dpi=DPI,
    angle=1.5,
    date="2023年6月15日",
    opening="2023年6月15日，",
    turn=None,
    **noise,
):
    """The expert group's acceptance opinion, signed, dated `date` on its own line with the seal
    at `seal_at` from the date's end; `opening` begins the first paragraph. `turn` (a
    Image.Transpose) turns the page before it is scanned, as a sheet fed sideways or upside
    down; `noise` goes to `scan`."""
    p = Page(dpi)
    p.title("竣工验收意见")
    p.paragraph(
        opening + "北京市某某局组织专家组对“北京市某某局政务服务信息系统建设项目”"
        "进行了竣工验收。专家组听取了项目建设单位关于项目建设和试运行情况的汇报，"
        "审阅了验收材料，经质询和讨论，形成验收意见如下："
    )
    p.paragraph("一、项目按照批复的建设内容完成了全部建设任务，系统已于2023年3月1日上线试运行，运行稳定。")
    p.paragraph("二、项目文档资料齐全、规范，符合验收要求。")
    p.paragraph("三、项目实际投资控制在批复概算以内。")
    p.paragraph("专家组一致同意该项目通过竣工验收。")
    p.gap(1.5)
    sig = p.paragraph("专家组组长（签字）：", indent=False)
    x, y, w, em = sig[0]
    scrawl = signature(em * 5, em * 2, rng)
    p.img.paste(scrawl, (round(x + w + em * 0.3), round(y - em * 0.5)), scrawl)
    p.gap(0.6)
    dated = p.paragraph(date, align="right")
    dx, dy, dw, dem = dated[0]
    stamp = seal(mm(42, dpi), "北京市某某局验收专用章", rng)
    sx = round(dx + dw - stamp.width * seal_at[0])
    sy = round(dy + dem / 2 - stamp.height * seal_at[1])
    p.img.paste(stamp, (sx, sy), stamp)
    img = p.img if turn is None else p.img.transpose(turn)
    return scan(img, rng, angle=angle, **noise)


def warranty_plan(rng):
    p = Page()
    p.title("质保及运维服务方案")
    p.paragraph("一、质保期限", indent=False)
    p.paragraph(
        "本项目免费质保期为三年，自项目通过竣工验收之日起计算。质保期：36个月。"
        "质保期内，我公司对系统软件缺陷免费修复，对硬件设备免费维修和更换。"
    )
    p.paragraph("二、运维服务内容", indent=False)
    p.paragraph(
        "提供7×24小时技术支持热线，接到故障报告后2小时内响应，一般故障8小时内修复，"
        "重大故障24小时内恢复系统运行。每季度进行一次系统巡检，并提交巡检报告。"
    )
    p.paragraph("三、服务团队", indent=False)
    p.paragraph("我公司组建不少于5人的驻场运维团队，负责系统的日常运行维护和安全保障工作。")
    p.gap(1.5)
    company = p.paragraph("北京某某科技有限公司", align="right")
    p.paragraph("2023年6月20日", align="right")
    cx, cy, cw, _ = company[0]
    # The company's seal over its name, as the supplier stamps it.
    stamp = seal(round(40 / 25.4 * DPI), "北京某某科技有限公司", rng)
    p.img.paste(stamp, (round(cx + cw * 0.35), round(cy - stamp.height * 0.3)), stamp)
    return scan(p.img, rng, angle=-1.0)


def blank(rng):
    p = Page()
    return scan(p.img, rng, angle=0.8, sigma=5, dust=0.00015)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "fixtures", "scans")
    os.makedirs(out, exist_ok=True)

    opinion = acceptance_opinion(random.Random(20230615))
    opinion_jpeg = jpeg(opinion)
    sealed = acceptance_opinion(random.Random(20230615), seal_at=SEAL_OVER_DATE)
    files = {
        "acceptance-opinion-scan.pdf": pdf_jpeg(opinion, opinion_jpeg),
        "acceptance-opinion-scan-flate.pdf": pdf_flate_gray(document_mode(opinion.convert("L"))),
        "acceptance-opinion-scan.ofd": ofd(opinion_jpeg),
        "acceptance-opinion-sealed-rgb.pdf": pdf_flate_rgb(document_mode(sealed)),
    }
    plan = warranty_plan(random.Random(36))
    files["warranty-plan-scan.pdf"] = pdf_jpeg(plan, jpeg(plan))
    empty = blank(random.Random(0)).convert("L")
    files["blank-scan.pdf"] = pdf_jpeg(empty, jpeg(empty))

    # The same opinion, seal beside the date, at the resolutions offices scan at: 72 dpi (a
    # fax-like 595 × 842 page whose body text is 16 px high), 150 and 200 dpi. At 200 dpi the
    # sensor noise is lower (sigma 3.5), which keeps the JPEG at quality 70 under 300 KB.
    for dpi, angle, sigma in ((72, 1.2, 5.5), (150, 1.8, 5.5), (200, 2.0, 3.5)):
        paper = dict(OLD_PAPER, sigma=sigma)
        img = acceptance_opinion(
            random.Random(dpi), seal_at=SEAL_ON_LAST_CHAR, dpi=dpi, angle=angle, **paper
        )
        files[f"opinion-sealed-{dpi}dpi.pdf"] = pdf_jpeg(img, jpeg(img, dpi=dpi))
    # Fed sideways (the page turned 90° clockwise: landscape pixels over a landscape A4 page)
    # and upside down.
    sideways = acceptance_opinion(
        random.Random(90),
        seal_at=SEAL_ON_LAST_CHAR,
        angle=0.7,
        turn=Image.Transpose.ROTATE_270,
        **OLD_PAPER,
    )
    files["opinion-rotated-90.pdf"] = pdf_jpeg(sideways, jpeg(sideways), page=A4_LANDSCAPE_PT)
    upside_down = acceptance_opinion(
        random.Random(180),
        seal_at=SEAL_ON_LAST_CHAR,
        angle=-1.2,
        turn=Image.Transpose.ROTATE_180,
        **OLD_PAPER,
    )
    files["opinion-rotated-180.pdf"] = pdf_jpeg(upside_down, jpeg(upside_down))
    # The date only in Chinese numerals, only on the date line, and the seal stamped over its
    # day: what can be read of the date is 2023-06-15 or nothing (the trial run's 2023年3月1日
    # in the body is no acceptance date).
    over_day = acceptance_opinion(
        random.Random(615),
        seal_at=SEAL_OVER_DAY,
        angle=1.3,
        date="二〇二三年六月十五日",
        opening="",
    )
    files["opinion-seal-over-day.pdf"] = pdf_jpeg(over_day, jpeg(over_day))

    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as fh:
            fh.write(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
