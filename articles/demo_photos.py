"""Photos for the demo articles, painted with Pillow when the demo is loaded.

No stock photos ship with Kopij: each lead story gets a scene drawn from simple layers
(sky, land or water, buildings, boats), softened and given a little grain, in the size and
shape of a press photo, so that the photo paths (renditions, teasers, feeds) are exercised.
The same scene and seed always give the same picture.
"""

import io
import random
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1600, 900
JPEG_QUALITY = 86
Painter = Callable[[ImageDraw.ImageDraw, random.Random], None]


def photo_jpeg(scene: str, *, seed: int) -> bytes:
    """A JPEG of `scene` (one of SCENES), 1600 by 900 pixels."""
    rng = random.Random(seed)
    picture = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(picture)
    SCENES[scene](draw, rng)
    picture = picture.filter(ImageFilter.GaussianBlur(1.6))
    picture = Image.blend(picture, _grain(rng), 0.06)
    output = io.BytesIO()
    picture.save(output, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return output.getvalue()


def _grain(rng: random.Random) -> Image.Image:
    noise = Image.effect_noise((WIDTH // 2, HEIGHT // 2), 40).resize((WIDTH, HEIGHT))
    return Image.merge("RGB", [noise, noise, noise])


def _gradient(draw, top: tuple, bottom: tuple, y0: int, y1: int) -> None:
    for y in range(y0, y1):
        t = (y - y0) / max(1, y1 - y0 - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (WIDTH, y)], fill=colour)


def _ridge(draw, rng, base: int, height: int, colour: tuple, step: int = 40) -> None:
    """A line of hills or mountains from the left edge to the right, filled below."""
    points, y = [(0, HEIGHT)], base
    for x in range(0, WIDTH + step, step):
        y = min(base + height // 3, max(base - height, y + rng.randint(-height // 3, height // 3)))
        points.append((x, y))
    points.append((WIDTH, HEIGHT))
    draw.polygon(points, fill=colour)


def _ripples(draw, rng, y0: int, colour: tuple, count: int = 160) -> None:
    for _ in range(count):
        x, y = rng.randint(0, WIDTH), rng.randint(y0, HEIGHT)
        length = rng.randint(20, 90) * (y - y0 + 60) // 300
        draw.line([(x, y), (x + length, y)], fill=colour, width=2)


def _river(draw, rng) -> None:
    _gradient(draw, (120, 160, 205), (222, 228, 232), 0, 470)
    _ridge(draw, rng, 420, 40, (92, 118, 92))
    draw.rectangle([0, 470, WIDTH, HEIGHT], fill=(78, 104, 118))
    _ripples(draw, rng, 480, (140, 165, 178))
    # A barge: a long dark hull with a wheelhouse at the stern.
    draw.polygon([(520, 560), (1240, 560), (1210, 610), (550, 610)], fill=(40, 38, 42))
    draw.rectangle([560, 520, 1180, 560], fill=(150, 72, 40))
    draw.rectangle([1120, 470, 1195, 522], fill=(235, 235, 228))
    draw.rectangle([1130, 480, 1185, 500], fill=(60, 80, 100))


def _pool(draw, rng) -> None:
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=(228, 226, 220))
    draw.rectangle([80, 60, WIDTH - 80, HEIGHT - 60], fill=(38, 150, 196))
    _ripples(draw, rng, 60, (98, 190, 226), count=260)
    for lane in range(1, 6):
        y = 60 + lane * (HEIGHT - 120) // 6
        for x in range(80, WIDTH - 80, 24):
            colour = (214, 40, 40) if (x // 24) % 2 else (245, 245, 245)
            draw.ellipse([x, y - 7, x + 18, y + 7], fill=colour)
    for swimmer in range(3):
        x = rng.randint(300, 1200)
        y = 60 + (swimmer * 2 + 1) * (HEIGHT - 120) // 12
        draw.ellipse([x, y - 14, x + 30, y + 14], fill=(250, 200, 40))


def _books(draw, rng) -> None:
    _gradient(draw, (236, 228, 214), (205, 190, 170), 0, 620)
    draw.rectangle([0, 620, WIDTH, HEIGHT], fill=(120, 82, 52))
    y = 620
    for _ in range(9):
        height, inset = rng.randint(34, 60), rng.randint(0, 60)
        colour = rng.choice(
            [(120, 30, 40), (30, 60, 110), (40, 90, 60), (200, 170, 90), (60, 60, 60)]
        )
        draw.rectangle([460 + inset, y - height, 1140 - inset // 2, y], fill=colour)
        draw.line(
            [(470 + inset, y - height // 2), (1130 - inset // 2, y - height // 2)],
            fill=(230, 220, 190),
            width=3,
        )
        y -= height


def _houses(draw, rng) -> None:
    _gradient(draw, (150, 185, 215), (230, 232, 236), 0, 620)
    draw.rectangle([0, 760, WIDTH, HEIGHT], fill=(90, 90, 95))
    x = -20
    while x < WIDTH:
        width, height = rng.randint(150, 210), rng.randint(330, 470)
        brick = rng.choice([(150, 70, 50), (120, 60, 45), (170, 110, 80), (90, 60, 50)])
        top = 760 - height
        draw.rectangle([x, top, x + width, 760], fill=brick)
        draw.polygon([(x, top), (x + width // 2, top - 90), (x + width, top)], fill=brick)
        for row in range(3):
            for column in range(2):
                wx, wy = x + 25 + column * (width // 2), top + 30 + row * 100
                draw.rectangle([wx, wy, wx + 45, wy + 65], fill=(238, 238, 230))
                draw.rectangle([wx + 5, wy + 5, wx + 40, wy + 60], fill=(70, 90, 110))
        x += width + 6


def _mountains(draw, rng) -> None:
    _gradient(draw, (95, 140, 200), (210, 225, 240), 0, 560)
    _ridge(draw, rng, 380, 200, (120, 126, 140), step=80)
    _ridge(draw, rng, 470, 160, (232, 238, 244), step=60)  # the glacier
    _ridge(draw, rng, 640, 60, (96, 86, 76))


def _church(draw, rng) -> None:
    _gradient(draw, (175, 200, 225), (240, 236, 226), 0, 700)
    draw.rectangle([0, 700, WIDTH, HEIGHT], fill=(92, 120, 70))
    stone = (140, 120, 100)
    draw.rectangle([520, 420, 1160, 700], fill=stone)
    draw.polygon([(500, 420), (840, 250), (1180, 420)], fill=(70, 60, 62))
    draw.rectangle([380, 260, 520, 700], fill=stone)  # the tower
    draw.polygon([(370, 260), (450, 40), (530, 260)], fill=(70, 60, 62))
    for column in range(5):
        wx = 580 + column * 115
        draw.rectangle([wx, 480, wx + 50, 620], fill=(60, 70, 90))
        draw.ellipse([wx, 455, wx + 50, 505], fill=(60, 70, 90))
    draw.rectangle([420, 560, 480, 700], fill=(80, 50, 35))


def _rowing(draw, rng) -> None:
    _gradient(draw, (165, 195, 220), (220, 228, 232), 0, 330)
    _ridge(draw, rng, 320, 20, (70, 110, 70))
    draw.rectangle([0, 340, WIDTH, HEIGHT], fill=(60, 96, 120))
    _ripples(draw, rng, 350, (120, 156, 176), count=220)
    draw.polygon([(300, 600), (1300, 585), (1280, 610), (320, 618)], fill=(235, 235, 240))
    for rower in range(4):
        x = 480 + rower * 190
        draw.ellipse([x, 540, x + 34, 574], fill=(220, 170, 130))
        draw.rectangle([x + 2, 570, x + 32, 600], fill=(200, 40, 60))
        draw.line([(x + 16, 590), (x - 110, 660)], fill=(250, 250, 250), width=6)


def _village(draw, rng) -> None:
    _gradient(draw, (140, 175, 210), (225, 230, 235), 0, 700)
    draw.rectangle([0, 700, WIDTH, HEIGHT], fill=(110, 110, 110))
    draw.rectangle([0, 680, WIDTH, 700], fill=(170, 165, 155))
    draw.rectangle([200, 380, 1000, 680], fill=(165, 85, 60))  # the supermarket
    draw.rectangle([200, 350, 1000, 390], fill=(40, 110, 60))
    draw.rectangle([260, 460, 940, 640], fill=(190, 215, 225))
    draw.rectangle([540, 520, 660, 680], fill=(90, 120, 140))
    draw.rectangle([1120, 430, 1500, 680], fill=(130, 70, 55))
    draw.polygon([(1100, 430), (1310, 300), (1520, 430)], fill=(60, 50, 50))
    for bike in range(4):
        x = 300 + bike * 90
        draw.ellipse([x, 640, x + 36, 676], outline=(30, 30, 30), width=4)
        draw.ellipse([x + 46, 640, x + 82, 676], outline=(30, 30, 30), width=4)


SCENES: dict[str, Painter] = {
    "river": _river,
    "pool": _pool,
    "books": _books,
    "houses": _houses,
    "mountains": _mountains,
    "church": _church,
    "rowing": _rowing,
    "village": _village,
}
