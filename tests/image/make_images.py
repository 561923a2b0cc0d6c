#!/usr/bin/env python3
"""Writes the test images of tests/image and the pipeline tests into DIR.

Each format Moyin reads, in the variants libharu mishandles, plus hostile
files (huge claimed size, truncated, 0x0, not an image, a JPEG named .png).
Colours are chosen so a rendered page can be sampled: the left half of each
picture is pure red, the right half pure blue (CMYK: the same colours as inks).
Needs python3-pil (Debian); everything is written at test time, nothing large
is committed.
"""
import base64
import io
import struct
import sys
import zlib
from pathlib import Path

from PIL import Image

W, H = 40, 30


def halves(mode, left, right):
    im = Image.new(mode, (W, H), left)
    im.paste(Image.new(mode, (W // 2, H), right), (W // 2, 0))
    return im


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png(width, height, depth, colour_type, raw_rows):
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw_rows)) +
            chunk(b"IEND", b""))


def rgb16_png():
    # 16-bit RGB (PIL cannot write it): red | blue halves at full 16-bit intensity.
    rows = b""
    for _ in range(H):
        row = b"\x00"
        for x in range(W):
            row += struct.pack(">HHH", *((65535, 0, 0) if x < W // 2 else (0, 0, 65535)))
        rows += row
    return png(W, H, 16, 2, rows)


def halves_rows(colours):
    # Unfiltered 8-bit rows (filter byte 0): red | blue, or black | white for grey.
    left, right = (b"\xff\x00\x00", b"\x00\x00\xff") if colours == 3 else (b"\x00", b"\xff")
    return (b"\x00" + left * (W // 2) + right * (W - W // 2)) * H


def rgb_png_with(before_idat=(), idat_parts=1, interlace=0, between=None):
    """8-bit RGB red | blue with the given chunks before IDAT, the zlib
    stream cut into idat_parts chunks, an optional chunk between two of them."""
    ihdr = struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, interlace)
    z = zlib.compress(halves_rows(3))
    step = -(-len(z) // idat_parts)
    parts = [chunk(b"IDAT", z[i:i + step]) for i in range(0, len(z), step)]
    if between is not None:
        parts.insert(1, between)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + b"".join(before_idat) + b"".join(parts) +
            chunk(b"IEND", b""))


def pass_through_variants(out):
    """PNGs whose compressed pixels the PDF may take as they are, and ones it may not."""
    srgb = [chunk(b"sRGB", b"\x00"), chunk(b"gAMA", struct.pack(">I", 45455)),
            chunk(b"cHRM", struct.pack(">8I", 31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000)),
            chunk(b"pHYs", struct.pack(">IIB", 3780, 3780, 1)), chunk(b"tEXt", b"Software\x00test")]
    (out / "srgb.png").write_bytes(rgb_png_with(srgb, idat_parts=3))
    (out / "linear.png").write_bytes(rgb_png_with([chunk(b"gAMA", struct.pack(">I", 100000))]))
    (out / "icc.png").write_bytes(rgb_png_with([chunk(b"iCCP", b"p\x00\x00" + zlib.compress(b"x"))]))
    (out / "trns.png").write_bytes(rgb_png_with([chunk(b"tRNS", b"\x00\x00\x00\x00\x00\xff")]))
    (out / "interlaced.png").write_bytes(rgb_png_with(interlace=1))
    (out / "split.png").write_bytes(
        rgb_png_with(idat_parts=2, between=chunk(b"tEXt", b"Comment\x00between")))


def main(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    red, blue = (255, 0, 0), (0, 0, 255)
    halves("RGB", red, blue).save(out / "rgb.png")
    rgba = halves("RGBA", red + (255,), blue + (0,))  # the blue half is transparent
    rgba.save(out / "alpha.png")
    pal = halves("RGB", red, blue).convert("P", palette=Image.ADAPTIVE, colors=4)
    pal.save(out / "palette.png")
    (out / "deep.png").write_bytes(rgb16_png())
    pass_through_variants(out)
    halves("L", 0, 255).save(out / "grey.png")
    halves("RGB", red, blue).save(out / "photo.jpg", quality=95)
    halves("L", 0, 255).save(out / "grey.jpg", quality=95)
    # Cyan | magenta inks (PIL writes Adobe-style inverted CMYK with an APP14 marker).
    halves("CMYK", (255, 0, 0, 0), (0, 255, 0, 0)).save(out / "cmyk.jpg", quality=95)
    halves("RGB", red, blue).save(out / "lossy.webp", quality=90)
    halves("RGBA", red + (255,), blue + (0,)).save(out / "alpha.webp", lossless=True)
    gif = halves("RGB", red, blue).convert("P", palette=Image.ADAPTIVE, colors=4)
    second = Image.new("RGB", (W, H), (0, 255, 0)).convert("P", palette=Image.ADAPTIVE, colors=4)
    gif.save(out / "anim.gif", save_all=True, append_images=[second], duration=100, loop=0)
    # A JPEG named .png: the bytes decide.
    halves("RGB", red, blue).save(out / "lie.png", format="JPEG", quality=95)
    # Hostile files.
    huge = png(100000, 100000, 8, 2, b"")
    (out / "huge.png").write_bytes(huge[:33] + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))
    whole = (out / "rgb.png").read_bytes()
    (out / "truncated.png").write_bytes(whole[: len(whole) * 2 // 3])
    (out / "zero.png").write_bytes(png(0, 0, 8, 2, b""))
    # 99 bytes whose second chunk claims 2,052,348,020 bytes (found by
    # fuzz_image: libpng allocated that much before finding the file short).
    bomb = png(16, 16, 8, 2, b"\x00" * 49 * 16)[:33] + struct.pack(">I", 0x7A545874) + b"iTXt"
    (out / "bomb.png").write_bytes(bomb + b"\x00" * (99 - len(bomb)))
    (out / "text.png").write_bytes(b"this is not an image\n" * 4)
    jpg = (out / "photo.jpg").read_bytes()
    (out / "truncated.jpg").write_bytes(jpg[: len(jpg) // 2])
    # A JPEG frame header claiming 65535 x 65535 pixels.
    big = bytearray(jpg)
    at = big.find(b"\xff\xc0")
    big[at + 5:at + 9] = struct.pack(">HH", 65535, 65535)
    (out / "huge.jpg").write_bytes(bytes(big))
    # A GIF claiming a 65535 x 65535 screen.
    g = bytearray((out / "anim.gif").read_bytes())
    g[6:10] = struct.pack("<HH", 65535, 65535)
    (out / "huge.gif").write_bytes(bytes(g))
    (out / "diagram.svg").write_text(
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="4cm" viewBox="0 0 200 100">'
        '<rect width="200" height="100" fill="red"/></svg>\n')
    # An SVG whose root sniffs fine but whose XML is not well-formed.
    (out / "broken.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5"></svg>\n')
    # An SVG embedding a 1200 x 1000 picture (1.2 megapixels) as a data: URI.
    big = io.BytesIO()
    Image.new("RGB", (1200, 1000), red).save(big, format="PNG")
    (out / "pictures.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="100">\n'
        '<image width="120" height="100" href="data:image/png;base64,'
        + base64.b64encode(big.getvalue()).decode() + '"/></svg>\n')


if __name__ == "__main__":
    main(sys.argv[1])
