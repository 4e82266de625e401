"""Draws assets/favicon.ico: three white bars of rising height on the navbar's navy (#2c3e50),
16 and 32 px. Dash serves it instead of its own favicon (4.8 KiB over the wire; this one is
a few hundred bytes). Run from the repository's root: `.venv/bin/python .ci/vendor/favicon.py`."""

from pathlib import Path

from PIL import Image, ImageDraw

NAVY, WHITE = (44, 62, 80, 255), (255, 255, 255, 255)
SIZE = 32


def draw() -> Image.Image:
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, SIZE - 1, SIZE - 1), radius=6, fill=NAVY)
    for left, top in ((6, 18), (13, 11), (20, 5)):  # bars 6 px wide, bottom at y = 26
        pen.rectangle((left, top, left + 5, 26), fill=WHITE)
    return image


if __name__ == "__main__":
    target = Path(__file__).resolve().parents[2] / "assets" / "favicon.ico"
    draw().save(target, format="ICO", sizes=[(16, 16), (32, 32)])
    print(f"{target}: {target.stat().st_size} bytes")
