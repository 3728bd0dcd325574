#!/usr/bin/env python3
"""Draws the BitCraps app and tray icons (a die face on a rounded square) with no dependencies.

Run from this folder: python3 generate.py. Writes the PNGs, icon.ico and icon.icns that Tauri and the
installers use. Tray icons come in the three health colours and grey (paused).
"""
import struct
import zlib

COLOURS = {
    "app": (0x1f, 0x6f, 0x4a),     # table felt green
    "tray-green": (0x2e, 0xa0, 0x43),
    "tray-yellow": (0xd2, 0x99, 0x22),
    "tray-red": (0xcf, 0x22, 0x2e),
    "tray-paused": (0x8c, 0x95, 0x9f),  # grey: the node is paused
}
PIPS = [(0.3, 0.3), (0.7, 0.3), (0.5, 0.5), (0.3, 0.7), (0.7, 0.7)]


def coverage(x, y, size):
    """Supersampled coverage of the rounded square and of the pips at pixel (x, y)."""
    square = pip = 0.0
    n = 4
    for sy in range(n):
        for sx in range(n):
            u = (x + (sx + 0.5) / n) / size
            v = (y + (sy + 0.5) / n) / size
            r, m = 0.2, 0.04
            cx = min(max(u, m + r), 1 - m - r)
            cy = min(max(v, m + r), 1 - m - r)
            inside = (u - cx) ** 2 + (v - cy) ** 2 <= r * r
            square += inside
            if inside and any((u - px) ** 2 + (v - py) ** 2 <= 0.085 ** 2 for px, py in PIPS):
                pip += 1
    return square / (n * n), pip / (n * n)


def png(size, colour):
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            a, p = coverage(x, y, size)
            r, g, b = (int(c * (1 - p / max(a, 1e-9)) + 255 * (p / max(a, 1e-9))) for c in colour)
            row += bytes((r, g, b, int(255 * a)))
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def ico(images):
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for size, data in images:
        out += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return out + b"".join(data for _, data in images)


def icns(images):
    body = b"".join(kind + struct.pack(">I", len(data) + 8) + data for kind, data in images)
    return b"icns" + struct.pack(">I", len(body) + 8) + body


def main():
    app = COLOURS["app"]
    sizes = {s: png(s, app) for s in (32, 128, 256, 512)}
    for s, name in ((32, "32x32.png"), (128, "128x128.png"), (256, "128x128@2x.png"), (512, "icon.png")):
        open(name, "wb").write(sizes[s])
    open("icon.ico", "wb").write(ico([(32, sizes[32]), (128, sizes[128]), (256, sizes[256])]))
    open("icon.icns", "wb").write(icns([(b"ic07", sizes[128]), (b"ic08", sizes[256]), (b"ic09", sizes[512])]))
    for name in ("tray-green", "tray-yellow", "tray-red", "tray-paused"):
        open(f"{name}.png", "wb").write(png(64, COLOURS[name]))


if __name__ == "__main__":
    main()
