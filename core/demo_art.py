"""The demo's pictures, drawn with Pillow: book covers, article illustrations, the share card and a monogram.

Called by the demo loaders (website/demo.py, website/demo_guides.py, courses/demo.py). Type is Roboto,
the named face of the site's `system-ui` stack, vendored under core/demo_fonts (SIL OFL 1.1), so the
pictures come out the same on any machine. Colours are the site's palette (static/css/site.css).
Everything is drawn at twice its size and scaled down, which gives smooth edges without a vector library.
"""

import io
import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONTS = Path(__file__).resolve().parent / "demo_fonts"
SUPERSAMPLE = 2

# The site's palette, as static/css/site.css names it.
INK = "#1f2a2e"
MUTED = "#56656b"
PAPER = "#fbfaf7"
TINT = "#eef5f3"
ACCENT = "#0b6b5c"
ACCENT_STRONG = "#08564a"
LINE = "#e3e0d8"
FOCUS = "#f2b705"
WARN = "#8a4b08"
WARN_TINT = "#fbf1e4"
WHITE = "#ffffff"

Point = tuple[float, float]


@cache
def font(size: int, weight: int = 400, *, italic: bool = False) -> ImageFont.FreeTypeFont:
    style = "italic" if italic else "normal"
    return ImageFont.truetype(str(FONTS / f"roboto-latin-{weight}-{style}.woff"), size)


def rgba(colour: str, alpha: float = 1.0) -> tuple[int, int, int, int]:
    colour = colour.lstrip("#")
    return (*(int(colour[i : i + 2], 16) for i in (0, 2, 4)), round(alpha * 255))


def mix(colour: str, background: str, amount: float) -> tuple[int, int, int, int]:
    """`colour` laid over `background` at `amount` opacity, as an opaque colour (Pillow's polygon fill
    does not blend, so see-through shapes are mixed here)."""
    top, bottom = rgba(colour), rgba(background)
    return (*(round(b + (t - b) * amount) for t, b in zip(top[:3], bottom[:3], strict=True)), 255)


def smooth(points: list[Point], rounds: int = 3) -> list[Point]:
    """Chaikin's corner cutting: a closed polygon's corners rounded into curves."""
    for _ in range(rounds):
        points = [
            pt
            for a, b in zip(points, [*points[1:], points[0]], strict=True)
            for pt in (lerp(a, b, 0.25), lerp(a, b, 0.75))
        ]
    return points


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG")
    return buffer.getvalue()


# --- Drawing ------------------------------------------------------------------------------------------


class Pen:
    """Draws in the picture's own coordinates on a canvas SUPERSAMPLE times larger, through a transform.

    `place(x, y, scale)` moves the origin, so one figure can be drawn anywhere at any size.
    """

    def __init__(self, size: tuple[int, int], background: str):
        self.size = size
        self.canvas = Image.new("RGBA", (size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE), rgba(background))
        self.draw = ImageDraw.Draw(self.canvas, "RGBA")
        self.origin: Point = (0, 0)
        self.scale = 1.0

    def place(self, x: float, y: float, scale: float = 1.0) -> "Pen":
        self.origin, self.scale = (x, y), scale
        return self

    def p(self, point: Point) -> Point:
        k = SUPERSAMPLE
        return ((self.origin[0] + point[0] * self.scale) * k, (self.origin[1] + point[1] * self.scale) * k)

    def d(self, length: float) -> float:
        return length * self.scale * SUPERSAMPLE

    def circle(self, centre: Point, radius: float, fill=None, outline=None, width: float = 0) -> None:
        x, y = self.p(centre)
        r = self.d(radius)
        self.draw.ellipse([x - r, y - r, x + r, y + r], fill=fill, outline=outline, width=round(self.d(width)))

    def ellipse(self, centre: Point, rx: float, ry: float, *, fill=None, outline=None, width: float = 0) -> None:
        x, y = self.p(centre)
        self.draw.ellipse(
            [x - self.d(rx), y - self.d(ry), x + self.d(rx), y + self.d(ry)],
            fill=fill,
            outline=outline,
            width=round(self.d(width)),
        )

    def polygon(self, points: Iterable[Point], fill=None, outline=None, width: float = 0, *, curved=False) -> None:
        points = smooth(list(points)) if curved else list(points)
        self.draw.polygon([self.p(pt) for pt in points], fill=fill, outline=outline, width=round(self.d(width)))

    def line(self, points: Iterable[Point], colour, width: float, *, round_caps: bool = True) -> None:
        points = [self.p(pt) for pt in points]
        w = max(1, round(self.d(width)))
        self.draw.line(points, fill=colour, width=w, joint="curve")
        if round_caps:
            for x, y in (points[0], points[-1]):
                self.draw.ellipse([x - w / 2, y - w / 2, x + w / 2, y + w / 2], fill=colour)

    def dashed(self, start: Point, end: Point, colour, width: float, *, dash: float = 14, gap: float = 10) -> None:
        length = math.dist(start, end)
        steps = int(length // (dash + gap)) + 1
        for i in range(steps):
            a = i * (dash + gap) / length
            b = min(1.0, (i * (dash + gap) + dash) / length)
            self.line([lerp(start, end, a), lerp(start, end, b)], colour, width, round_caps=False)

    def limb(self, a: Point, b: Point, ra: float, rb: float, fill) -> None:
        """A tapered capsule from a (radius ra) to b (radius rb): a thigh, a shin, a forearm."""
        (ax, ay), (bx, by) = a, b
        length = math.dist(a, b) or 1
        nx, ny = -(by - ay) / length, (bx - ax) / length
        self.polygon(
            [
                (ax + nx * ra, ay + ny * ra),
                (bx + nx * rb, by + ny * rb),
                (bx - nx * rb, by - ny * rb),
                (ax - nx * ra, ay - ny * ra),
            ],
            fill=fill,
        )
        self.circle(a, ra, fill=fill)
        self.circle(b, rb, fill=fill)

    def spindle(self, path: list[Point], width: float, fill) -> None:
        """A muscle belly along a path: thin at both tendons, widest in the middle."""
        left, right = [], []
        for i, point in enumerate(path):
            before, after = path[max(0, i - 1)], path[min(len(path) - 1, i + 1)]
            length = math.dist(before, after) or 1
            nx, ny = -(after[1] - before[1]) / length, (after[0] - before[0]) / length
            half = width / 2 * (0.18 + 0.82 * math.sin(math.pi * i / (len(path) - 1)))
            left.append((point[0] + nx * half, point[1] + ny * half))
            right.append((point[0] - nx * half, point[1] - ny * half))
        self.polygon([*left, *reversed(right)], fill=fill)

    def arrow(self, path: list[Point], colour, width: float, head: float = 22) -> None:
        self.line(path, colour, width)
        (x1, y1), (x2, y2) = path[-2], path[-1]
        angle = math.atan2(y2 - y1, x2 - x1)
        tip = (x2 + math.cos(angle) * head * 0.6, y2 + math.sin(angle) * head * 0.6)
        wing = 2.5
        self.polygon(
            [
                tip,
                (tip[0] - head * math.cos(angle - 0.5 * wing / 2), tip[1] - head * math.sin(angle - 0.5 * wing / 2)),
                (tip[0] - head * math.cos(angle + 0.5 * wing / 2), tip[1] - head * math.sin(angle + 0.5 * wing / 2)),
            ],
            fill=colour,
        )

    def text(self, point: Point, words: str, face: ImageFont.FreeTypeFont, colour, *, anchor: str = "la") -> None:
        sized = font_at(face, self.d(1) * face.size)
        self.draw.text(self.p(point), words, font=sized, fill=colour, anchor=anchor)

    def tracked(self, point: Point, words: str, face: ImageFont.FreeTypeFont, colour, tracking: float = 0.12) -> float:
        """Upper-case letters spaced apart (the site's eyebrow style); returns the width drawn."""
        x, y = point
        for letter in words:
            self.text((x, y), letter, face, colour)
            x += face.getlength(letter) + face.size * tracking
        return x - point[0]

    def label(self, anchor: Point, at: Point, words: str, colour=INK, size: int = 30) -> None:
        """A diagram label: a dot on the part, a leader line, the name beside it."""
        self.line([anchor, at], colour, 2.5)
        self.circle(anchor, 7, fill=colour)
        left = at[0] >= anchor[0]
        self.text((at[0] + (12 if left else -12), at[1]), words, font(size, 500), colour, anchor="lm" if left else "rm")

    def finish(self) -> Image.Image:
        return self.canvas.resize(self.size, Image.Resampling.LANCZOS)


def font_at(face: ImageFont.FreeTypeFont, size: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(face.path, max(1, round(size)))


def lerp(a: Point, b: Point, t: float) -> Point:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def bezier(*points: Point, steps: int = 24) -> list[Point]:
    """Points along a Bézier curve through the given control points (any degree)."""
    curve = []
    for i in range(steps + 1):
        t = i / steps
        layer = list(points)
        while len(layer) > 1:
            layer = [lerp(a, b, t) for a, b in itertools.pairwise(layer)]
        curve.append(layer[0])
    return curve


def wrap(words: str, face: ImageFont.FreeTypeFont, width: float) -> list[str]:
    lines, line = [], ""
    for word in words.split():
        candidate = f"{line} {word}".strip()
        if line and face.getlength(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def fit(words: str, *, weight: int, width: float, max_lines: int, largest: int, smallest: int):
    """The largest size (and its lines) at which `words` wraps into `max_lines` lines of `width`."""
    for size in range(largest, smallest - 1, -2):
        face = font(size, weight)
        lines = wrap(words, face, width)
        if len(lines) <= max_lines and all(face.getlength(line) <= width for line in lines):
            return face, lines
    face = font(smallest, weight)
    return face, wrap(words, face, width)


# --- People and bones -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Look:
    """How a figure is drawn: the outline, the body, the limbs on the far side, the highlighted muscle."""

    stroke: tuple = rgba(INK)
    body: tuple = rgba(WHITE)
    far: tuple = rgba("#dfe9e6")
    muscle: tuple = rgba(ACCENT, 0.9)
    outline: float = 5


ON_PAPER = Look()


def figure(pen: Pen, joints: dict[str, Point], look: Look = ON_PAPER) -> None:
    """An outline person in side view from named joints; `far_*` limbs are drawn behind the body."""
    j = joints
    widths = {"thigh": (30, 22), "shin": (21, 14), "upper": (18, 15), "fore": (14, 11)}

    def leg(side: str, fill) -> None:
        for layer, grow in ((look.stroke, look.outline), (fill, 0)):
            pen.limb(j["hip"], j[f"{side}knee"], widths["thigh"][0] + grow, widths["thigh"][1] + grow, layer)
            pen.limb(j[f"{side}knee"], j[f"{side}ankle"], widths["shin"][0] + grow, widths["shin"][1] + grow, layer)
            pen.limb(j[f"{side}ankle"], j[f"{side}toe"], 12 + grow, 8 + grow, layer)

    def arm(side: str, fill) -> None:
        for layer, grow in ((look.stroke, look.outline), (fill, 0)):
            pen.limb(j["shoulder"], j[f"{side}elbow"], widths["upper"][0] + grow, widths["upper"][1] + grow, layer)
            pen.limb(j[f"{side}elbow"], j[f"{side}hand"], widths["fore"][0] + grow, widths["fore"][1] + grow, layer)

    leg("far_", look.far)
    arm("far_", look.far)
    for layer, grow in ((look.stroke, look.outline), (look.body, 0)):
        pen.limb(j["shoulder"], j["hip"], 40 + grow, 36 + grow, layer)
        pen.limb(j["neck"], j["shoulder"], 13 + grow, 15 + grow, layer)
    leg("", look.body)
    pen.circle(j["head"], 44 + look.outline, fill=look.stroke)
    pen.circle(j["head"], 44, fill=look.body)
    arm("", look.body)


KNEELING_LUNGE = {
    "head": (752, 178),
    "neck": (750, 232),
    "shoulder": (746, 278),
    "hip": (760, 522),
    "knee": (660, 728),
    "ankle": (448, 742),
    "toe": (392, 752),
    "far_knee": (972, 520),
    "far_ankle": (990, 738),
    "far_toe": (1072, 752),
    "elbow": (820, 392),
    "hand": (930, 486),
    "far_elbow": (842, 380),
    "far_hand": (952, 470),
}

SEATED = {
    "head": (700, 208),
    "neck": (712, 262),
    "shoulder": (720, 304),
    "hip": (716, 548),
    "knee": (940, 560),
    "ankle": (952, 770),
    "toe": (1022, 782),
    "far_knee": (930, 548),
    "far_ankle": (944, 764),
    "far_toe": (1012, 776),
    "elbow": (810, 436),
    "hand": (950, 416),
    "far_elbow": (800, 428),
    "far_hand": (940, 408),
}

LYING_LEG_RAISE = {
    "head": (352, 612),
    "neck": (408, 616),
    "shoulder": (456, 622),
    "hip": (760, 636),
    "knee": (980, 648),
    "ankle": (1192, 650),
    "toe": (1240, 600),
    "far_knee": (836, 438),
    "far_ankle": (900, 232),
    "far_toe": (950, 206),
    "elbow": (600, 560),
    "hand": (740, 470),
    "far_elbow": (590, 548),
    "far_hand": (728, 458),
}


def pelvis(
    pen: Pen, *, stroke, fill, hole_fill, twisted_fill=None, twisted_stroke=None, twist: float = 0.0, outline: float = 5
) -> dict[str, Point]:
    """A front view of the pelvis (sacrum, both hip bones, the tops of the thigh bones) around (0, 0).

    With `twist` (degrees) the viewer's left hip bone turns about its sacroiliac joint, as in a pelvic
    torsion; the returned points mark the top of each iliac crest.
    """
    wing = [
        (-60, -96),
        (-104, -160),
        (-176, -196),
        (-250, -182),
        (-296, -120),
        (-292, -46),
        (-256, -8),
        (-246, 40),
        (-214, 70),
        (-150, 56),
        (-84, 34),
    ]
    ring = [
        (-214, 64),
        (-246, 120),
        (-232, 196),
        (-176, 250),
        (-88, 254),
        (-18, 218),
        (-14, 176),
        (-70, 150),
        (-150, 96),
    ]
    hole = ((-148, 186), 46, 34)
    femur = [(-214, 100), (-300, 150), (-282, 420)]

    def turned(points, sign):
        """The viewer's left half (sign -1) turned about the sacroiliac joint; the right half mirrored."""
        if sign > 0:
            return [(-x, y) for x, y in points]
        angle, (px, py) = math.radians(twist), (-64, -40)
        cos, sin = math.cos(angle), math.sin(angle)
        return [(px + (x - px) * cos - (y - py) * sin, py + (x - px) * sin + (y - py) * cos) for x, y in points]

    crests = {}
    for sign in (-1, 1):
        turned_side = sign < 0 and twisted_fill is not None
        colour = twisted_fill if turned_side else fill
        edge = twisted_stroke if turned_side and twisted_stroke is not None else stroke
        femur_points = turned(femur, sign)
        pen.line(femur_points, stroke, 2 * 32 + 2 * outline)
        pen.line(femur_points, fill, 2 * 32)
        pen.circle(femur_points[0], 44 + outline, fill=stroke)
        pen.circle(femur_points[0], 44, fill=fill)
        pen.polygon(turned(ring, sign), fill=colour, outline=edge, width=outline, curved=True)
        (hx, hy), rx, ry = hole
        pen.ellipse(turned([(hx, hy)], sign)[0], rx, ry, fill=hole_fill, outline=edge, width=outline)
        pen.polygon(turned(wing, sign), fill=colour, outline=edge, width=outline, curved=True)
        crests[sign] = min(turned(smooth(wing), sign), key=lambda pt: pt[1])
    sacrum = [(-64, -100), (64, -100), (58, 10), (30, 110), (0, 150), (-30, 110), (-58, 10)]
    pen.polygon(sacrum, fill=fill, outline=stroke, width=outline, curved=True)
    for y in (-56, -10, 36, 80):
        half = 26 - (y + 56) / 10
        pen.circle((-half, y), 7, fill=hole_fill, outline=stroke, width=outline * 0.6)
        pen.circle((half, y), 7, fill=hole_fill, outline=stroke, width=outline * 0.6)
    for number, y in enumerate((-140, -214, -288)):
        pen.polygon(rounded_box((0, y), 70 - number * 4, 28), fill=fill, outline=stroke, width=outline)
        pen.polygon(
            rounded_box((0, y - 37), 60 - number * 4, 8, 6), fill=hole_fill, outline=stroke, width=outline * 0.6
        )
    return {"left": crests[-1], "right": crests[1]}


def rounded_box(centre: Point, half_width: float, half_height: float, corner: float = 12) -> list[Point]:
    cx, cy = centre
    corner = min(corner, half_width, half_height)
    points = []
    for qx, qy, start in ((1, 1, 0), (-1, 1, 90), (-1, -1, 180), (1, -1, 270)):
        ox, oy = cx + qx * (half_width - corner), cy + qy * (half_height - corner)
        for step in range(7):
            angle = math.radians(start + step * 15)
            points.append((ox + math.cos(angle) * corner, oy + math.sin(angle) * corner))
    return points


def spine(pen: Pen, *, stroke, fill, disc, highlight=None, outline: float = 4) -> list[Point]:
    """A side view of the spine facing right: the neck's curve, the upper back's, the lumbar curve, the sacrum.

    The five lumbar vertebrae are filled with `highlight`; returns their centres.
    """
    path = bezier((40, 0), (90, 90), (-110, 260), (-60, 400), (120, 520), (30, 690), steps=18)
    lumbar = []
    for i in range(len(path) - 1):
        a, b = path[i], path[i + 1]
        centre = lerp(a, b, 0.5)
        angle = math.atan2(b[1] - a[1], b[0] - a[0]) - math.pi / 2
        half_h = math.dist(a, b) / 2 - 5
        half_w = 26 + 22 * i / len(path)

        def turn(points, centre=centre, angle=angle):
            cos, sin = math.cos(angle), math.sin(angle)
            return [(centre[0] + x * cos - y * sin, centre[1] + x * sin + y * cos) for x, y in points]

        is_lumbar = i >= len(path) - 6
        pen.polygon(
            turn([(-half_w + 6, -half_h * 0.6), (-half_w - 34 - i, half_h * 0.9), (-half_w + 6, half_h * 0.9)]),
            fill=fill,
            outline=stroke,
            width=outline * 0.8,
        )
        pen.polygon(
            turn(rounded_box((0, 0), half_w, half_h, 7)),
            fill=highlight if highlight is not None and is_lumbar else fill,
            outline=stroke,
            width=outline,
        )
        pen.polygon(turn(rounded_box((0, half_h + 5), half_w - 3, 4, 3)), fill=disc)
        if is_lumbar:
            lumbar.append(centre)
    base = path[-1]
    pen.polygon(
        [
            (base[0] - 40, base[1] + 2),
            (base[0] + 52, base[1] + 8),
            (base[0] + 10, base[1] + 130),
            (base[0] - 34, base[1] + 110),
        ],
        fill=fill,
        outline=stroke,
        width=outline,
        curved=True,
    )
    return lumbar


# --- Article pictures ----------------------------------------------------------------------------------

ARTICLE_SIZE = (1600, 900)


def _stage(disc: str = TINT, centre: Point = (800, 470), radius: float = 390) -> Pen:
    pen = Pen(ARTICLE_SIZE, PAPER)
    pen.circle(centre, radius, fill=rgba(disc))
    return pen


def _floor(pen: Pen, y: float, x1: float = 220, x2: float = 1380) -> None:
    pen.line([(x1, y), (x2, y)], rgba(LINE), 6)


def hip_flexor_stretch() -> bytes:
    """A person kneeling in a lunge, the psoas of the back leg drawn from the lumbar spine to the thigh."""
    pen = _stage()
    _floor(pen, 762)
    pen.polygon(rounded_box((630, 752), 76, 14, 10), fill=rgba(LINE))
    figure(pen, KNEELING_LUNGE)
    psoas = bezier((734, 390), (796, 480), (770, 540), (730, 586), steps=20)
    pen.spindle(psoas, 34, mix(ACCENT, WHITE, 0.92))
    pen.arrow(bezier((770, 660), (820, 676), (880, 664)), rgba(ACCENT_STRONG), 7)
    pen.label((762, 470), (420, 330), "Psoas", ACCENT_STRONG, 38)
    pen.text((408, 378), "lumbar spine to thigh bone", font(28), rgba(MUTED), anchor="rm")
    return png(pen.finish())


def pelvic_torsion() -> bytes:
    """A pelvis seen from the front with one hip bone turned, and the uneven crest heights marked."""
    pen = _stage(radius=410)
    scale, origin = 0.95, (800, 500)
    pen.place(*origin, scale)
    crests = pelvis(
        pen,
        stroke=rgba(INK),
        fill=rgba(WHITE),
        hole_fill=rgba(TINT),
        twisted_fill=mix(ACCENT, WHITE, 0.85),
        twist=11,
    )
    pen.place(0, 0, 1)
    turned_y = origin[1] + crests["left"][1] * scale
    level_y = origin[1] + crests["right"][1] * scale
    pen.dashed((300, turned_y), (760, turned_y), rgba(ACCENT_STRONG), 3)
    pen.dashed((840, level_y), (1300, level_y), rgba(MUTED), 3)
    pen.text((300, turned_y - 16), "Turned side sits higher", font(30, 500), rgba(ACCENT_STRONG), anchor="ls")
    pen.text((1300, level_y - 16), "Other side", font(30, 500), rgba(MUTED), anchor="rs")
    pen.arrow(bezier((250, 470), (220, 380), (270, 300)), rgba(ACCENT_STRONG), 6)
    return png(pen.finish())


def sitting() -> bytes:
    """A person at a desk, the hip flexors folded short by the chair."""
    pen = _stage(centre=(820, 480))
    _floor(pen, 792)
    chair = rgba(MUTED)
    pen.line([(610, 590), (800, 590)], chair, 16)
    pen.line([(620, 590), (600, 320)], chair, 14)
    pen.line([(640, 600), (620, 786)], chair, 10)
    pen.line([(780, 600), (800, 786)], chair, 10)
    pen.line([(900, 404), (1280, 404)], rgba(INK), 14)
    pen.line([(1240, 410), (1240, 790)], rgba(INK), 10)
    pen.polygon([(980, 396), (1110, 396), (1150, 262), (1020, 262)], fill=rgba(WHITE), outline=rgba(INK), width=5)
    figure(pen, SEATED)
    psoas = bezier((706, 400), (760, 480), (770, 530), (800, 566), steps=20)
    pen.spindle(psoas, 30, mix(ACCENT, WHITE, 0.92))
    pen.label((770, 500), (1000, 620), "Hip flexors, folded short", ACCENT_STRONG, 32)
    pen.circle((1330, 160), 58, fill=rgba(WHITE), outline=rgba(INK), width=5)
    pen.line([(1330, 160), (1330, 122)], rgba(INK), 5)
    pen.line([(1330, 160), (1356, 176)], rgba(INK), 5)
    return png(pen.finish())


def hamstring_stretch() -> bytes:
    """A person on their back lifting one straight leg with a rope, the hamstrings drawn along the thigh."""
    pen = _stage(centre=(800, 520), radius=380)
    pen.polygon(rounded_box((780, 690), 520, 18, 16), fill=rgba(LINE))
    figure(pen, LYING_LEG_RAISE)
    rope = bezier(LYING_LEG_RAISE["hand"], (820, 330), (920, 220), steps=16)
    pen.line(rope, rgba(WARN), 6)
    hamstring = bezier((790, 620), (830, 540), (860, 470), (852, 440), steps=20)
    pen.spindle(hamstring, 30, mix(ACCENT, WHITE, 0.92))
    pen.label((842, 520), (1090, 430), "Hamstrings", ACCENT_STRONG, 36)
    pen.text((1102, 476), "Two seconds, ten times", font(28), rgba(MUTED), anchor="lm")
    return png(pen.finish())


def see_a_professional() -> bytes:
    """The spine from the side with its lumbar segment marked and the sciatic nerve running down the leg."""
    pen = _stage(disc=WARN_TINT, centre=(760, 460), radius=400)
    pen.place(720, 60, 1.0)
    lumbar = spine(
        pen, stroke=rgba(INK), fill=rgba(WHITE), disc=mix(ACCENT, WHITE, 0.3), highlight=mix(ACCENT, WHITE, 0.85)
    )
    nerve = bezier((60, 640), (40, 720), (110, 780), (90, 860), steps=20)
    pen.line(nerve, rgba(WARN), 7)
    middle = lumbar[len(lumbar) // 2]
    pen.place(0, 0, 1)
    pen.label((720 + middle[0] + 50, 70 + middle[1]), (1040, 520), "Lumbar spine", ACCENT_STRONG, 34)
    pen.label((720 + 96, 60 + 790), (1040, 760), "Pain down the leg", WARN, 30)
    card = rounded_box((1210, 230), 150, 92, 18)
    pen.polygon(card, fill=rgba(WHITE), outline=rgba(LINE), width=3)
    pen.circle((1110, 230), 34, fill=rgba(WARN))
    pen.text((1110, 232), "!", font(44, 700), rgba(WHITE), anchor="mm")
    for row, length in enumerate((170, 130, 150)):
        y = 178 + row * 52
        pen.line([(1168, y), (1168 + length, y)], rgba(LINE), 14)
    return png(pen.finish())


ARTICLE_PICTURES: dict[str, Callable[[], bytes]] = {
    "hip-flexor-stretches": hip_flexor_stretch,
    "pelvic-torsion-explained": pelvic_torsion,
    "sitting-and-your-lower-back": sitting,
    "hamstrings-and-back-pain": hamstring_stretch,
    "when-to-see-someone": see_a_professional,
}


# --- Covers, share card, monogram ----------------------------------------------------------------------

COVER_SIZE = (1000, 1400)


def _cover_motif(pen: Pen, motif: str, colour: str) -> None:
    lines = mix(PAPER, colour, 0.6)
    highlight = rgba(FOCUS)
    line_art = Look(stroke=lines, body=rgba(colour), far=rgba(colour), muscle=highlight, outline=4)
    if motif == "pelvis":
        pen.place(500, 1000, 0.78)
        pelvis(
            pen,
            stroke=lines,
            fill=rgba(colour),
            hole_fill=rgba(colour),
            twisted_fill=rgba(colour),
            twisted_stroke=highlight,
            twist=14,
            outline=4,
        )
    elif motif == "stretch":
        pen.place(-10, 700, 0.66)
        pen.line([(240, 714), (1330, 714)], lines, 4)
        figure(pen, LYING_LEG_RAISE, line_art)
        pen.line(bezier(LYING_LEG_RAISE["hand"], (820, 330), (920, 220), steps=16), highlight, 5)
        pen.spindle(bezier((790, 620), (830, 540), (860, 470), (852, 440), steps=20), 30, highlight)
    else:
        pen.place(0, 580, 0.85)
        pen.line([(330, 764), (1130, 764)], lines, 4)
        figure(pen, KNEELING_LUNGE, line_art)
        pen.spindle(bezier((734, 390), (796, 480), (770, 540), (730, 586), steps=20), 34, highlight)
    pen.place(0, 0, 1)


def balanced(words: str, face: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """The narrowest wrap with as few lines as the full width needs, so no line is left with one word."""
    lines = wrap(words, face, width)
    narrower = width
    while narrower > width * 0.55:
        attempt = wrap(words, face, narrower - 10)
        if len(attempt) > len(lines):
            break
        narrower -= 10
    return wrap(words, face, narrower)


def cover(*, title: str, subtitle: str, author: str, year: int, colour: str, motif: str, kicker: str) -> bytes:
    """A book cover: the full title and subtitle set in Roboto on a palette colour, a line drawing, the author."""
    width, height = COVER_SIZE
    margin = 96
    pen = Pen(COVER_SIZE, colour)
    _cover_motif(pen, motif, colour)
    pen.tracked((margin, 92), kicker.upper(), font(26, 500), mix(PAPER, colour, 0.85))
    pen.line([(margin, 150), (margin + 90, 150)], rgba(FOCUS), 8, round_caps=False)
    face, _ = fit(title, weight=700, width=width - 2 * margin, max_lines=5, largest=92, smallest=54)
    y = 196
    for line in balanced(title, face, width - 2 * margin):
        pen.text((margin, y), line, face, rgba(WHITE))
        y += face.size * 1.1
    small, _ = fit(subtitle, weight=400, width=width - 2 * margin - 40, max_lines=4, largest=42, smallest=30)
    y += 30
    for line in balanced(subtitle, small, width - 2 * margin - 40):
        pen.text((margin, y), line, small, mix(TINT, colour, 0.92))
        y += small.size * 1.3
    pen.polygon([(0, height - 150), (width, height - 150), (width, height), (0, height)], fill=mix(INK, colour, 0.45))
    pen.tracked((margin, height - 98), author.upper(), font(32, 700), rgba(WHITE), tracking=0.14)
    pen.text((width - margin, height - 68), str(year), font(30, 400), mix(PAPER, colour, 0.8), anchor="rs")
    return png(pen.finish())


def share_card(*, site_name: str, line: str) -> bytes:
    """The 1200x630 picture for shared links: the site's name beside a drawing of the spine."""
    pen = Pen((1200, 630), PAPER)
    pen.circle((940, 320), 290, fill=rgba(TINT))
    pen.place(916, 60, 0.66)
    spine(
        pen,
        stroke=rgba(INK),
        fill=rgba(WHITE),
        disc=mix(ACCENT, WHITE, 0.3),
        highlight=mix(ACCENT, WHITE, 0.85),
        outline=5,
    )
    pen.place(0, 0, 1)
    pen.line([(90, 190), (170, 190)], rgba(FOCUS), 8, round_caps=False)
    face, _ = fit(site_name, weight=700, width=560, max_lines=2, largest=84, smallest=48)
    y = 230
    for text_line in balanced(site_name, face, 560):
        pen.text((90, y), text_line, face, rgba(INK))
        y += face.size * 1.1
    small, _ = fit(line, weight=400, width=560, max_lines=3, largest=32, smallest=24)
    y += 24
    for text_line in balanced(line, small, 560):
        pen.text((90, y), text_line, small, rgba(MUTED))
        y += small.size * 1.35
    return png(pen.finish())


def monogram(*, initials: str, size: int = 480) -> bytes:
    """A round monogram standing in for a portrait until the author uploads a photograph."""
    pen = Pen((size, size), ACCENT)
    pen.circle((size / 2, size / 2), size * 0.40, outline=mix(PAPER, ACCENT, 0.5), width=4)
    pen.text((size / 2, size / 2 + 4), initials, font(round(size * 0.26), 500), rgba(WHITE), anchor="mm")
    return png(pen.finish())


def sample_page(
    *, book: str, chapter_number: int, chapter: str, text: str, colour: str, motif: str, page_number: int
) -> bytes:
    """A page of a guide as a reader sees it: running head, chapter heading, text and a small figure."""
    width, height = 800, 1100
    margin = 78
    pen = Pen((width, height), WHITE)
    pen.text((margin, 64), book.upper()[:58], font(17, 500), rgba(MUTED))
    pen.text((width - margin, 64), str(page_number), font(17, 500), rgba(MUTED), anchor="ra")
    pen.line([(margin, 96), (width - margin, 96)], rgba(LINE), 2, round_caps=False)
    pen.tracked((margin, 150), f"CHAPTER {chapter_number}", font(20, 700), rgba(colour))
    heading = font(40, 700)
    y = 190
    for line in balanced(chapter, heading, width - 2 * margin):
        pen.text((margin, y), line, heading, rgba(INK))
        y += 50
    y += 26
    body = font(24)
    for line in wrap(text, body, width - 2 * margin):
        pen.text((margin, y), line, body, rgba(INK))
        y += 38
    box_top, box_bottom = y + 50, 980
    box_w, box_h = width - 2 * margin, box_bottom - box_top
    pen.polygon(rounded_box((width / 2, (box_top + box_bottom) / 2), box_w / 2, box_h / 2, 18), fill=rgba(TINT))
    look = Look(muscle=rgba(colour), far=mix(colour, WHITE, 0.15))
    # Each drawing's own bounding box (centre, width, height), so it can be fitted into the figure box.
    (cx, cy), natural_w, natural_h = {"pelvis": ((0, 45), 680, 770), "stretch": ((775, 450), 960, 520)}.get(
        motif, ((735, 445), 720, 650)
    )
    scale = 0.86 * min(box_w / natural_w, box_h / natural_h)
    pen.place(width / 2 - cx * scale, (box_top + box_bottom) / 2 - cy * scale, scale)
    if motif == "pelvis":
        pelvis(
            pen,
            stroke=rgba(INK),
            fill=rgba(WHITE),
            hole_fill=rgba(TINT),
            twisted_fill=mix(colour, WHITE, 0.8),
            twist=11,
        )
    elif motif == "stretch":
        figure(pen, LYING_LEG_RAISE, look)
        pen.line(bezier(LYING_LEG_RAISE["hand"], (820, 330), (920, 220), steps=16), rgba(WARN), 6)
        pen.spindle(bezier((790, 620), (830, 540), (860, 470), (852, 440), steps=20), 30, mix(colour, WHITE, 0.9))
    else:
        figure(pen, KNEELING_LUNGE, look)
        pen.spindle(bezier((734, 390), (796, 480), (770, 540), (730, 586), steps=20), 34, mix(colour, WHITE, 0.9))
    pen.place(0, 0, 1)
    pen.text((margin, 1020), f"Figure {chapter_number}.1", font(19, 400, italic=True), rgba(MUTED))
    return png(pen.finish())


def course_banner(*, title: str, kicker: str, colour: str, motif: str) -> bytes:
    """A 16:9 course picture: the course's name set large on a palette colour beside a line drawing."""
    height = ARTICLE_SIZE[1]
    pen = Pen(ARTICLE_SIZE, colour)
    disc = mix(WHITE, colour, 0.08)
    pen.circle((1180, 450), 380, fill=disc)
    lines = mix(PAPER, colour, 0.7)
    look = Look(stroke=lines, body=disc, far=disc, muscle=rgba(FOCUS), outline=4)
    if motif == "stretch":
        pen.place(740, 110, 0.62)
        figure(pen, LYING_LEG_RAISE, look)
        pen.line(bezier(LYING_LEG_RAISE["hand"], (820, 330), (920, 220), steps=16), rgba(FOCUS), 5)
        pen.spindle(bezier((790, 620), (830, 540), (860, 470), (852, 440), steps=20), 30, rgba(FOCUS))
    else:
        pen.place(600, 110, 0.84)
        figure(pen, KNEELING_LUNGE, look)
        pen.spindle(bezier((734, 390), (796, 480), (770, 540), (730, 586), steps=20), 34, rgba(FOCUS))
    pen.place(0, 0, 1)
    margin = 110
    face, _ = fit(title, weight=700, width=620, max_lines=3, largest=100, smallest=56)
    title_lines = balanced(title, face, 620)
    block = 62 + len(title_lines) * face.size * 1.1
    y = (height - block) / 2 - 20
    pen.tracked((margin, y), kicker.upper(), font(30, 500), mix(PAPER, colour, 0.85))
    pen.line([(margin, y + 50), (margin + 100, y + 50)], rgba(FOCUS), 9, round_caps=False)
    y += 90
    for line in title_lines:
        pen.text((margin, y), line, face, rgba(WHITE))
        y += face.size * 1.1
    pen.tracked((margin, height - 110), "STEPHEN O'DWYER, CNMT", font(26, 700), mix(PAPER, colour, 0.85), tracking=0.14)
    return png(pen.finish())
