"""Time and peak memory of checking an uploaded picture (backend/lib/images.py).

    .venv/bin/python -m benchmarks.images

Each case runs in a fresh process, so its peak resident memory (``ru_maxrss``) is its own; the
figure printed is the growth over the process's memory just before the first decode. "before"
runs the same code with the settings it had before issue 26: a 40 megapixel cap and full-size
JPEG decoding, with no bound on concurrent decodes. Not a test: it prints figures and never
fails on them. The 6300x6300 PNG is the outside probe's: 38 KB on the wire, 39.7 megapixels.
"""

import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import io, json, os, resource, sys, threading, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
os.environ["IMPULSA_TESTING"] = "1"
import django
django.setup()
from PIL import Image
from backend.lib import images
Image.new("RGB", (64, 64)).save(io.BytesIO(), format="JPEG")  # codecs loaded before the baseline

case, mode, copies, source = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
with open(source, "rb") as f:
    data = f.read()
if mode == "before":
    images.MAX_PIXELS = 40_000_000
    images._decoding = threading.BoundedSemaphore(64)
    from PIL import JpegImagePlugin
    JpegImagePlugin.JpegImageFile.draft = lambda self, mode, size: None
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
results = []
def one():
    t = time.perf_counter()
    try:
        images.clean_image(data); outcome = "accepted"
    except Exception as exc:
        outcome = getattr(exc, "code", type(exc).__name__)
    results.append((time.perf_counter() - t, outcome))
start = time.perf_counter()
threads = [threading.Thread(target=one) for _ in range(copies)]
for t in threads: t.start()
for t in threads: t.join()
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"bytes": len(data), "wall": wall, "slowest": max(r[0] for r in results),
                  "outcomes": sorted({r[1] for r in results}), "peak_mb": (peak - base) / 1024}))
"""

CASES = [
    ("png6300", "before", 1),
    ("png6300", "after", 1),
    ("png6300", "before", 4),
    ("png6300", "after", 4),
    ("png24mp", "before", 1),
    ("png24mp", "after", 1),
    ("png24mp", "before", 4),
    ("png24mp", "after", 4),
    ("jpeg12mp", "before", 1),
    ("jpeg12mp", "after", 1),
    ("jpeg12mp", "before", 4),
    ("jpeg12mp", "after", 4),
]


def _make(case: str, folder: Path) -> Path:
    """The picture, made here so that making it does not count in the measured process."""
    from PIL import Image

    path = folder / f"{case}.bin"
    out = io.BytesIO()
    if case == "png6300":
        Image.new("L", (6300, 6300)).save(out, format="PNG", optimize=True)
    elif case == "png24mp":
        Image.new("L", (6000, 4000)).save(out, format="PNG", optimize=True)
    else:  # a 12 MP phone photo
        Image.effect_noise((4000, 3000), 40).convert("RGB").save(out, format="JPEG", quality=85)
    path.write_bytes(out.getvalue())
    return path


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="impulsa-images-"))
    sources = {case: _make(case, folder) for case in {c for c, _m, _n in CASES}}
    print("| picture | code | at once | outcome | wall s | slowest s | peak memory growth MB |")
    print("|---|---|---|---|---|---|---|")
    for case, mode, copies in CASES:
        proc = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", CHILD, case, mode, str(copies), str(sources[case])],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"| {case} ({r['bytes'] // 1024} KB) | {mode} | {copies} | {', '.join(r['outcomes'])} "
            f"| {r['wall']:.2f} | {r['slowest']:.2f} | {r['peak_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
