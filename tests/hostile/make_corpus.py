#!/usr/bin/env python3
"""Writes the hostile corpus of issue 15 into a folder (nothing large is
committed): deep nesting, huge tables, lying images, enormous lines and
words, 10,000 footnotes and links, bidi and zero-width controls, invalid
UTF-8, YAML bombs, raw-HTML attacks. Each input is one .md file (with its
images beside it). Usage: make_corpus.py OUTDIR"""
import os
import struct
import sys
import zlib


def png_header(width, height):
    """A PNG whose IHDR claims width x height over one tiny IDAT (a lying image)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def inputs():
    han = "汉字排版测试中文段落"
    yield "deep-blockquotes.md", "> " * 5000 + "深\n"
    yield "deep-lists.md", "".join("  " * i + "- 层\n" for i in range(500))
    yield "deep-emphasis.md", "*" * 20000 + "强调" + "*" * 20000 + "\n"
    yield "deep-links.md", "[" * 10000 + "链接" + "](x)" * 10000 + "\n"
    rows = ["| " + " | ".join(f"c{c}" for c in range(200)) + " |",
            "|" + "---|" * 200]
    rows += ["| " + " | ".join(f"{r}x{c}" for c in range(200)) + " |" for r in range(200)]
    yield "table-200x200.md", "\n".join(rows) + "\n"
    yield "table-tall-row.md", "| 列 | 内容 |\n|---|---|\n| 1 | " + han * 800 + " |\n| 2 | 短 |\n"
    yield "table-long-word.md", "| a | b |\n|---|---|\n| " + "x" * 50000 + " | " + "y" * 50000 + " |\n"
    yield "paragraph-6mb.md", (han + " Latin words here, ") * 122000 + "\n"
    yield "line-1mb-no-break.md", "汉" * 350000 + "\n"
    yield "word-200kb.md", "前文" + "w" * 200000 + "后文\n"
    yield "url-100kb.md", "见 https://example.com/" + "/".join("seg" + str(i) for i in range(20000)) + " 结束\n"
    yield "footnotes-10000.md", "".join(f"脚注[^{i}]" for i in range(10000)) + "\n\n" + "".join(
        f"[^{i}]: 注{i}\n" for i in range(10000))
    yield "links-10000.md", " ".join(f"[链{i}](https://example.com/{i})" for i in range(10000)) + "\n"
    yield "images-missing-5000.md", " ".join(f"![图{i}](missing{i}.png)" for i in range(5000)) + "\n"
    yield "bidi-controls.md", ("\u202e反向\u202c \u2066隔离\u2069 零\u200b宽\u200d连\ufeff接 \u061c" * 5000) + "\n"
    yield "zero-width-only.md", "\u200b" * 100000 + "\n"
    yield "yaml-bomb.md", "---\n" + "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
        f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(9)) + "---\n\n正文\n"
    yield "yaml-deep.md", "---\nx: " + "[" * 10000 + "]" * 10000 + "\n---\n\n正文\n"
    yield "raw-html.md", ("<script>alert(1)</script><iframe src=\"file:///etc/passwd\"></iframe>"
                          "<img src=\"/etc/passwd\" onerror=\"x()\"><a href=\"javascript:x()\">x</a>"
                          "<style>*{display:none}</style><svg onload=x()></svg>\n\n" * 200
                          + "<div>" * 10000 + "未闭合\n")
    yield "lying-images.md", "![a](huge.png) ![b](huge-wide.png) ![c](fake.jpg)\n\n正文\n"
    yield "control-chars.md", "".join(chr(c) for c in range(1, 32) if c not in (10, 13)) * 2000 + "\n"


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, text in inputs():
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(text)
    # Bytes that are not UTF-8 (overlong forms, lone surrogates, stray continuation bytes).
    with open(os.path.join(out, "invalid-utf8.md"), "wb") as f:
        f.write(b"# \xe6\xa0\x87\n\n" + b"\xc0\xaf\xed\xa0\x80\x80\xff\xfe text \xe4\xb8" * 20000 + b"\n")
    with open(os.path.join(out, "huge.png"), "wb") as f:
        f.write(png_header(32767, 32767))
    with open(os.path.join(out, "huge-wide.png"), "wb") as f:
        f.write(png_header(2**31 - 1, 1))
    with open(os.path.join(out, "fake.jpg"), "wb") as f:
        f.write(b"\xff\xd8\xff\xc0\x00\x11\x08\x7f\xff\x7f\xff\x03" + b"\x00" * 64)


if __name__ == "__main__":
    main()
