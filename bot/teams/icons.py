"""The Teams app icons, drawn in code: a speech bubble with three dots (a conversation).

Teams needs two PNGs in the app package: a 192x192 full-colour icon and a 32x32 outline icon
that is white on transparent. Drawing them here (plain ``zlib`` + ``struct``, no image library)
keeps binary files out of the repository, makes the package byte-for-byte reproducible, and lets
the package builder check the result the same way Teams does (size, colour type, white only).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterator
from functools import lru_cache

COLOR_SIZE = 192
OUTLINE_SIZE = 32
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Subsamples per pixel side: 4x4 coverage gives smooth edges without an image library.
_SUBSAMPLES = 4

Rgba = tuple[int, int, int, int]
Point = tuple[float, float]
Shape = Callable[[float, float], bool]


class PngError(ValueError):
    """Bytes that are not a PNG this module can read (8-bit RGBA, not interlaced)."""


def _in_rounded_rect(
    x: float, y: float, left: float, top: float, right: float, bottom: float, radius: float
) -> bool:
    if not (left <= x <= right and top <= y <= bottom):
        return False
    cx = min(max(x, left + radius), right - radius)
    cy = min(max(y, top + radius), bottom - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius**2


def _in_triangle(x: float, y: float, a: Point, b: Point, c: Point) -> bool:
    def side(p: Point, q: Point) -> float:
        return (x - q[0]) * (p[1] - q[1]) - (p[0] - q[0]) * (y - q[1])

    d1, d2, d3 = side(a, b), side(b, c), side(c, a)
    has_negative = d1 < 0 or d2 < 0 or d3 < 0
    has_positive = d1 > 0 or d2 > 0 or d3 > 0
    return not (has_negative and has_positive)


def bubble(dot_radius: float) -> Shape:
    """The glyph in a unit square (y down): a rounded speech bubble with a tail and three dots.

    The dots are cut out of the bubble, so one shape works as white-on-colour and as
    white-on-transparent.
    """
    dots = ((0.30, 0.40), (0.50, 0.40), (0.70, 0.40))

    def inside(x: float, y: float) -> bool:
        if any((x - dx) ** 2 + (y - dy) ** 2 <= dot_radius**2 for dx, dy in dots):
            return False
        return _in_rounded_rect(x, y, 0.06, 0.10, 0.94, 0.70, 0.16) or _in_triangle(
            x, y, (0.22, 0.62), (0.46, 0.62), (0.16, 0.90)
        )

    return inside


def coverage(shape: Shape, size: int, *, inset: float = 0.0) -> list[list[float]]:
    """How much of each pixel (0..1) the shape covers, by 4x4 supersampling.

    The unit square is mapped onto the image minus ``inset`` pixels on every side.
    """
    span = size - 2 * inset
    step = 1.0 / _SUBSAMPLES
    offsets = [(i + 0.5) * step for i in range(_SUBSAMPLES)]
    total = _SUBSAMPLES * _SUBSAMPLES
    rows: list[list[float]] = []
    for py in range(size):
        row: list[float] = []
        for px in range(size):
            hits = sum(
                shape((px + ox - inset) / span, (py + oy - inset) / span)
                for oy in offsets
                for ox in offsets
            )
            row.append(hits / total)
        rows.append(row)
    return rows


def encode_png(pixels: list[list[Rgba]]) -> bytes:
    """An 8-bit RGBA PNG (colour type 6, no filtering), the simplest form every client reads."""
    height = len(pixels)
    width = len(pixels[0]) if pixels else 0
    raw = b"".join(b"\x00" + bytes(channel for pixel in row for channel in pixel) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        _PNG_SIGNATURE
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _hex_rgb(color: str) -> tuple[int, int, int]:
    value = color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


@lru_cache(maxsize=4)
def color_icon(accent: str) -> bytes:
    """The 192x192 colour icon: a white bubble on the app's accent colour (``#rrggbb``).

    The glyph sits inside a 36 px margin, so Teams' rounded mask never clips it.
    """
    red, green, blue = _hex_rgb(accent)

    def towards_white(channel: int, amount: float) -> int:
        return round(channel + (255 - channel) * amount)

    grid = coverage(bubble(0.065), COLOR_SIZE, inset=36)
    return encode_png(
        [
            [
                (towards_white(red, c), towards_white(green, c), towards_white(blue, c), 255)
                for c in row
            ]
            for row in grid
        ]
    )


@lru_cache(maxsize=1)
def outline_icon() -> bytes:
    """The 32x32 outline icon: white only, shape carried by alpha, as Teams requires.

    Fully transparent pixels are white too (alpha 0), so scaling never pulls in a dark fringe.
    """
    grid = coverage(bubble(0.085), OUTLINE_SIZE, inset=1)
    return encode_png([[(255, 255, 255, round(255 * c)) for c in row] for row in grid])


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (which the format puts first)."""
    if len(data) < 24 or not data.startswith(_PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise PngError("not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    position = len(_PNG_SIGNATURE)
    while position + 8 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        if zlib.crc32(kind + body) != crc:
            raise PngError(f"bad CRC in {kind.decode('latin-1')} chunk")
        yield kind, body
        position += 12 + length


def _paeth(left: int, up: int, up_left: int) -> int:
    estimate = left + up - up_left
    pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - up_left)
    if pa <= pb and pa <= pc:
        return left
    return up if pb <= pc else up_left


def decode_rgba(data: bytes) -> list[list[Rgba]]:
    """Pixels of an 8-bit, non-interlaced RGBA PNG (all five row filters), for checking icons."""
    width, height = png_size(data)
    chunks = list(_chunks(data))
    ihdr = chunks[0][1]
    bit_depth, color_type, _, _, interlace = ihdr[8:13]
    if (bit_depth, color_type, interlace) != (8, 6, 0):
        raise PngError("only 8-bit, non-interlaced RGBA PNGs are supported")
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = width * 4
    if len(raw) != height * (stride + 1):
        raise PngError("image data does not match the IHDR size")
    previous = bytearray(stride)
    rows: list[list[Rgba]] = []
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - 4] if i >= 4 else 0
            up = previous[i]
            up_left = previous[i - 4] if i >= 4 else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                line[i] = (line[i] + _paeth(left, up, up_left)) & 0xFF
            elif kind != 0:
                raise PngError(f"unknown PNG row filter {kind}")
        rows.append([(line[i], line[i + 1], line[i + 2], line[i + 3]) for i in range(0, stride, 4)])
        previous = line
    return rows
