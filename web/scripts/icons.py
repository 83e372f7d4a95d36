"""Render the app icons (web/public/icons/*.png) from the logo in web/public/favicon.svg."""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

GREEN = (0x0B, 0x6E, 0x4F)
WHITE = (0xFF, 0xFF, 0xFF)
# The "N" of web/public/favicon.svg in its 32x32 box.
LETTER = [(9, 23), (9, 9), (12, 9), (20, 18), (20, 9), (23, 9), (23, 23), (20, 23), (12, 14), (12, 23)]
SAMPLES = 4  # per axis: 16 samples a pixel smooth the edges


def inside(poly: list[tuple[float, float]], x: float, y: float) -> bool:
    """Even-odd rule."""
    hit = False
    for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def in_rounded(x: float, y: float, radius: float) -> bool:
    cx = min(max(x, radius), 32 - radius)
    cy = min(max(y, radius), 32 - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius**2


def render(size: int, *, maskable: bool) -> bytes:
    """RGBA rows; a maskable icon fills the square and keeps the letter in the safe zone."""
    scale = 32 / size
    rows = bytearray()
    for py in range(size):
        rows.append(0)  # filter: none
        for px in range(size):
            cover = letter = 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    x = (px + (sx + 0.5) / SAMPLES) * scale
                    y = (py + (sy + 0.5) / SAMPLES) * scale
                    if maskable:
                        cover += 1
                        lx, ly = 16 + (x - 16) / 0.7, 16 + (y - 16) / 0.7
                    else:
                        cover += in_rounded(x, y, 7)
                        lx, ly = x, y
                    letter += inside(LETTER, lx, ly)
            n = SAMPLES * SAMPLES
            a = cover / n
            f = letter / cover if cover else 0.0
            rgb = [round(g * (1 - f) + w * f) for g, w in zip(GREEN, WHITE, strict=True)]
            rows += bytes([*rgb, round(a * 255)])
    return bytes(rows)


def png(size: int, rgba: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rgba, 9)) + chunk(b"IEND", b"")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (out / f"icon-{size}.png").write_bytes(png(size, render(size, maskable=False)))
        (out / f"maskable-{size}.png").write_bytes(png(size, render(size, maskable=True)))
    (out / "apple-touch-icon.png").write_bytes(png(180, render(180, maskable=True)))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "public" / "icons")
