"""Run PP-OCR (ONNX Runtime, models inside Python wheels) and hand back lines of words, as
workers.ocr.tesseract does.

rapidocr-onnxruntime's pipeline (PP-OCRv4 text detection, the direction model) with PP-OCRv6's
recogniser, whose model ships in the `rapidocr` 3.x wheel: on the bench's hardest pages it reads
handwritten and dot-matrix digits far better than PP-OCRv4's (bench/README.md, "PP-OCRv6").
Only that wheel's model file is used; its code is never imported.

The engine is built once per process, on first use (about 1 s and 150 MB): a web process that
never reads an invoice never loads it, and an RQ worker's forked job inherits it when the
worker loaded it before forking (`warm_up`). ONNX Runtime reads with `use_threads` threads
(OCR_THREADS); a forked job has none of the threads its parent started (fork copies only the
calling thread, and ONNX Runtime then runs every step on the one thread left), so a job that
may use more than one builds its sessions again (0.1-0.2 s of CPU; the models stay loaded)."""

from __future__ import annotations

import importlib.util
import math
import os
import unicodedata
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from PIL import Image

from workers.ocr import image
from workers.ocr.lines import Box, Line, Quad, Word

REC_MODEL = "PP-OCRv6_rec_small.onnx"  # in the rapidocr wheel's models folder

# Pictures are scaled down to a 1280 px long side, or, longer than 4:3, to as many pixels as
# a 4:3 photo has then: detection time grows with the pixels. A phone's screenshot of a PDF
# invoice (1080 x 2400) scaled to a 1280 px long side left its print 8 px high.
MAX_SIDE = 1280
MAX_PIXELS = 1280 * 960
LONG = 4  # a box this many times wider than high shows its line's slant
TALLER = 2  # where no box is LONG, one this many times higher than wide stands on end
NEAREST = 6  # long boxes whose slants make a box's slant
OFF_LINE = math.radians(2)  # a long box this far off where the others meet is left out
NEAR_MEET = 2.0  # lines meeting nearer than this (times the text's extent) meet nowhere real
# The page is read turned over when more of its text boxes are upside down than upright, by
# the boxes the direction model is this sure of, and then every box is; a box alone is never
# turned. PP-OCR turns each box the model calls upside down: slanted handwritten digits on a
# cash memo were turned, even when the model was over 0.99 sure, and read reversed
# ("481010.88" as "88:010181"). Counting only votes over 0.99 left dot-matrix pages and
# sideways photos, whose boxes the model is less sure of, read upside down.
SURE_VOTE = 0.9
FEW = 8  # a page with fewer text boxes may lie sideways unnoticed (read_page)
SPARSE = 20  # a page with fewer text boxes may be faint print on a dim photo (read_page)
# The model's votes on dot-matrix print (each glyph a grid of dots) fell more often for upside
# down than for upright on some upright pages (study seeds 821, 823, 825, 828: four pages in
# eighty read upside down, every total lost). A page the votes turn over is turned only when
# the recogniser also reads its text better turned: a middle piece (at most PIECE times as wide
# as high) of each of its WIDEST boxes, recognised both ways; upright text scored 0.8 to 1.0
# read as it is and 0.4 to 0.65 turned over, either way up.
WIDEST = 4
PIECE = 6
# Where under this share of the boxes are sure votes, the votes do not tell, and the
# recogniser alone decides: a dim, defocused photo saved sideways (held-out seed 257, table
# photo 16) gave 3 sure votes among 44 boxes, one of them upside down, and was read upside down
# ("45'520'0" for "0.025.54"); its widest boxes read 0.51-0.70 as they were, 0.89-0.95 turned.
TELLING = 0.25
# The recogniser alone turns a page only when it reads the widest boxes clearly better turned
# (their scores summed): a rule or a bare figure reads alike either way up. 257/16: by 1.3.
CLEARLY = 0.5
# The closer look (closer_cut): boxes taller than ORDINARY times the median are not text to
# cut around; MARGIN median heights of page kept around the text; the cut is read only when it
# is read at least CLOSER times larger than the whole picture was (the page a small part of
# the frame), its long side at most LONGEST; under MIN_BOXES boxes, no text to cut to. Whole
# A4 pages whose print is small (1.3-2.2 times) were tried and left: on held-out seed 139 one
# total more was lost than won, and each costs a second full reading (bench/README.md, "A
# closer look").
ORDINARY = 2.5
MARGIN = 2
CLOSER = 3.0
MIN_BOXES = 3
LONGEST = 2000  # rapidocr's max_side_len: a longer picture is shrunk before detection


_built: dict[str, Any] = {"reader": None, "pid": None, "threads": 1, "inherited": []}


def use_threads(threads: int) -> None:
    """How many threads ONNX Runtime reads with, from the next `engine()` call on: 2 where one
    job has the host's two cores (one RQ worker), 1 where workers share the cores."""
    _built["threads"] = max(1, threads)


def engine() -> Any:
    """The PP-OCR reader of this process (built on first call; its sessions built again in
    a forked process that may read with more than one thread)."""
    reader, threads = _built["reader"], _built["threads"]
    if reader is None:
        from rapidocr_onnxruntime import RapidOCR  # heavy: ONNX Runtime and the models

        reader = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, print_verbose=False,
                          rec_model_path=str(recogniser_model()))
        reader.text_det = PageTurn(reader.text_det)
        reader.text_cls = PageDirection(reader.text_cls, reader.text_rec)
        _sessions(reader, threads)
        _built.update(reader=reader, pid=os.getpid())
    elif _built["pid"] != os.getpid():
        if threads > 1:
            # The parent's sessions are never freed here: freeing one waits for its threads
            # to stop, and they do not exist in this process (the job would hang).
            _built["inherited"].extend(h.session for h in _holders(reader))
            _sessions(reader, threads)
        _built["pid"] = os.getpid()
    return reader


def recogniser_model() -> Path:
    """PP-OCRv6's recognition model, found without importing the `rapidocr` package (its
    code needs libraries this project does not install)."""
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the rapidocr wheel (PP-OCRv6 models) is not installed: make setup")
    return Path(spec.submodule_search_locations[0]) / "models" / REC_MODEL


def _sessions(reader: Any, threads: int) -> None:
    """Build the reader's three ONNX Runtime sessions (detection, direction, recognition):
    `threads` intra-op threads that sleep when idle instead of spinning (a spinning thread
    takes CPU from the other jobs and engines on a shared host), and the memory arena on, so
    that a page's batches reuse their buffers (rapidocr turns it off). Neither changes what
    is read."""
    from onnxruntime import GraphOptimizationLevel, InferenceSession, SessionOptions

    for holder in _holders(reader):
        options = SessionOptions()
        options.log_severity_level = 4
        options.graph_optimization_level = GraphOptimizationLevel.ORT_ENABLE_ALL
        options.enable_cpu_mem_arena = True
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        holder.session = InferenceSession(holder.session._model_path, sess_options=options,
                                          providers=["CPUExecutionProvider"])


def _holders(reader: Any) -> tuple[Any, ...]:
    """rapidocr's wrappers of the detection, direction and recognition sessions."""
    return (reader.text_det.detect.infer, reader.text_cls.classify.infer,
            reader.text_rec.session)


class PageTurn:
    """PP-OCR's text detection, stopped when the page lies sideways (a phone held over a bill
    on a table saves it sideways as often as upright): most long boxes standing on end. The
    caller turns the page a quarter and reads it again; read sideways, PP-OCR stands only the
    tall boxes level and reads the short words sideways, and its detection on a standing
    page misses or merges lines. `sideways` says what the last page was."""

    def __init__(self, detect: Any) -> None:
        self.detect = detect
        self.sideways = False

    def __call__(self, bgr: np.ndarray) -> tuple[np.ndarray | None, float]:
        boxes, seconds = self.detect(bgr)
        self.sideways = boxes is not None and len(boxes) > 0 and _standing(boxes)
        return (None, seconds) if self.sideways else (boxes, seconds)


def _standing(boxes: np.ndarray) -> bool:
    """Whether more of the long boxes (LONG times longer one way than the other) stand on
    end than lie level; on a page without long boxes, more of those TALLER one way than the
    other (a sideways Vyapar photo, study seed 905 page 71: no box 4 times longer than wide,
    35 of 40 twice as tall as wide and none twice as wide as tall, read as garbled lines)."""
    spans = boxes.max(axis=1) - boxes.min(axis=1)  # width and height of each
    for long in (LONG, TALLER):
        standing = int(np.sum(spans[:, 1] >= long * spans[:, 0]))
        level = int(np.sum(spans[:, 0] >= long * spans[:, 1]))
        if standing or level:
            return standing > level
    return False


class PageDirection:
    """PP-OCR's direction step, decided for the whole page: the boxes (crops of the page) are
    all turned over when more of them are surely upside down than surely upright and the
    recogniser reads the widest of them better turned over, else none is. `turned` says what
    the last page was."""

    def __init__(self, classify: Any, recognise: Any) -> None:
        classify.cls_thresh = math.inf  # the model only says; this class turns
        self.classify = classify
        self.recognise = recognise
        self.turned = False

    def __call__(self, crops: list[np.ndarray]) -> tuple[list[np.ndarray], list, float]:
        crops, found, seconds = self.classify(crops)
        votes = [("180" in label) for label, score in found if score >= SURE_VOTE]
        telling = len(votes) >= TELLING * len(crops)
        self.turned = (2 * sum(votes) > len(votes) or not telling) \
            and self._reads_better_turned(crops, 0.0 if telling else CLEARLY)
        if self.turned:
            crops = [_over(crop) for crop in crops]
        return crops, found, seconds

    def _reads_better_turned(self, crops: list[np.ndarray], by: float) -> bool:
        """Whether the recogniser is surer of the widest boxes' text turned over, its scores
        summed `by` more (about 0.3 s of CPU, only on a page the votes turn over or do not
        tell)."""
        widest = sorted(crops, key=lambda crop: crop.shape[0] / crop.shape[1])[:WIDEST]
        pieces = [_middle_piece(crop) for crop in widest]
        upright, _s = self.recognise(pieces)
        over, _s = self.recognise([_over(piece) for piece in pieces])
        return sum(score for _t, score in over) > sum(score for _t, score in upright) + by


def _over(crop: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.rot90(crop, 2))


def _middle_piece(crop: np.ndarray) -> np.ndarray:
    """The middle of a text box's crop, at most PIECE times as wide as high (recognition time
    grows with the width)."""
    height, width = crop.shape[:2]
    keep = min(width, PIECE * height)
    start = (width - keep) // 2
    return np.ascontiguousarray(crop[:, start:start + keep])


class Page(NamedTuple):
    picture: Image.Image  # upright: turned as the text showed it was meant
    lines: list[Line]

    def boxes(self) -> dict[Quad, Box]:
        """Each text box's corners and its bounds (a box's words share them)."""
        return {w.quad: w.box for line in self.lines for w in line.words
                if w.box is not None and w.quad is not None}


def read_page(picture: Image.Image, *, level: bool = False, even: bool = False) -> Page:
    """OCR a photo or scan: the picture turned upright, and its text boxes joined into
    lines in reading order (boxes in the upright picture's pixels, where workers.ocr.figure
    looks again). A page found sideways is turned a quarter and read again (`level`: it was;
    upside down then, PageDirection turns it over); one giving too few text boxes to tell
    (under FEW) is read turned too, and the turned reading kept if it finds many more; else,
    under SPARSE boxes, read with its light evened out (image.evened; `even`: it was), kept
    likewise."""
    rgb = picture.convert("RGB")
    factor = reading_scale(rgb.size)
    if factor < 1.0:
        rgb = rgb.resize((round(rgb.width * factor), round(rgb.height * factor)),
                         Image.Resampling.LANCZOS)
    # BGR, as PP-OCR expects, in one contiguous array: OpenCV copies a strided view (the
    # channels merely reversed) whole on every call, and PP-OCR cuts each text box out of
    # the page with a call of its own (0.7 s of a page's CPU with 70 boxes).
    bgr = np.ascontiguousarray(np.asarray(rgb)[:, :, ::-1])
    reader = engine()
    found, _times = reader(bgr)
    over = bool(found) and reader.text_cls.turned  # before another reading changes it
    if not level and reader.text_det.sideways:
        return read_page(picture.rotate(90, expand=True), level=True)
    many = max(FEW, 2 * len(found or ()))
    if not level and len(found or ()) < FEW:
        # Too few boxes to tell which way the text runs: small print lying sideways gives
        # detection almost nothing (study seed 904, Tally and Vyapar photos: 1 or 2 boxes
        # sideways, 50 to 78 turned, the total read). The page is read turned too, and that
        # reading kept where it finds a page's worth of boxes, twice as many as upright.
        turned = read_page(picture.rotate(90, expand=True), level=True)
        if len(turned.boxes()) >= many:
            return turned
    if not level and not even and len(found or ()) < SPARSE:
        # Faint print on a dim photo: 2 to 7 boxes, 30 to 90 evened (study seed 167,
        # dot-matrix pages 45 and 77); 9 to 15 boxes, 22 to 67 (fresh seeds 191 and 193,
        # dim A4 photos).
        evened = read_page(image.evened(picture), even=True)
        if len(evened.boxes()) >= many:
            return evened
    if not found:
        return Page(picture, [])
    boxes = [(np.asarray(box, dtype=np.float64) / factor, text, float(score))
             for box, text, score in found]
    if over:
        return Page(picture.rotate(180), rows([(_turned_over(box, picture.size), text, score)
                                               for box, text, score in boxes]))
    return Page(picture, rows(boxes))


def closer_cut(page: Page) -> Image.Image | None:
    """The upright picture cut to the page's ordinary text boxes (none over ORDINARY times the
    median box's height: a stamp or a large title), with a margin of MARGIN box heights, and
    magnified to the size a page is read at; None unless that reads it at least CLOSER times
    larger than the page was. An invoice photographed from afar, a quarter of the frame wide,
    gives detection a few scattered boxes and reads no field; cut out and magnified, it is
    read as one photographed close."""
    quads = page.boxes()
    if len(quads) < MIN_BOXES:
        return None
    heights = {quad: _height(np.asarray(quad)) for quad in quads}
    height = float(np.median(list(heights.values())))
    ordinary = [box for quad, box in quads.items() if heights[quad] <= ORDINARY * height]
    margin = MARGIN * height
    width_px, height_px = page.picture.size
    left = max(0, int(min(b[0] for b in ordinary) - margin))
    top = max(0, int(min(b[1] for b in ordinary) - margin))
    right = min(width_px, math.ceil(max(b[2] for b in ordinary) + margin))
    bottom = min(height_px, math.ceil(max(b[3] for b in ordinary) + margin))
    cut = (right - left, bottom - top)
    # PP-OCR shrinks a picture longer than its max_side_len (2000 px) before detection
    factor = min(max(MAX_SIDE / max(cut), math.sqrt(MAX_PIXELS / (cut[0] * cut[1]))),
                 LONGEST / max(cut))
    if factor < CLOSER * reading_scale(page.picture.size):
        return None
    crop = page.picture.crop((left, top, right, bottom))
    return crop.resize((round(cut[0] * factor), round(cut[1] * factor)),
                       Image.Resampling.LANCZOS)


def reading_scale(size: tuple[int, int]) -> float:
    """The factor a picture of `size` is scaled by before it is read (MAX_SIDE, MAX_PIXELS)."""
    width, height = size
    return min(1.0, max(MAX_SIDE / max(width, height), math.sqrt(MAX_PIXELS / (width * height))))


def _turned_over(box: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """A box's corners in the picture turned upside down, its first corner still the text's
    top left (PageDirection turned its crop over)."""
    return np.roll(np.asarray(size, dtype=np.float64) - box, -2, axis=0)


def columns(bgr: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The recogniser alone on one text image (BGR): each column's probability of each
    character (columns x characters, "blank" first), and the characters."""
    recogniser = engine().text_rec
    height, width = bgr.shape[:2]
    _c, model_height, model_width = recogniser.rec_image_shape
    batch = recogniser.resize_norm_img(bgr, max(model_width / model_height, width / height))
    probs = recogniser.session(batch[np.newaxis].astype(np.float32))[0][0]
    return probs, recogniser.postprocess_op.character


def rows(boxes: list[tuple[np.ndarray, str, float]]) -> list[Line]:
    """Group text boxes (4 corner points each) into lines: each box is followed along its
    slant to the page's left edge, and boxes that meet it within half a line's height share
    a line. A box's slant comes from the long boxes (_slants): in a photo the perspective
    turns the page's lines differently, and a short box's own slant is too rough (PP-OCR
    draws most of them level)."""
    if not boxes:
        return []
    placed = []
    for (box, text, score), slant in zip(boxes, _slants(boxes), strict=True):
        cos, sin = math.cos(-slant), math.sin(-slant)
        xs = box[:, 0] * cos - box[:, 1] * sin
        edge = box[:, 1].mean() - box[:, 0].mean() * math.tan(slant)
        half = _height(box) / 2
        placed.append((xs.min(), edge - half, xs.max(), edge + half, text, score, _bounds(box),
                       tuple((float(x), float(y)) for x, y in box)))
    height = float(np.median([b[3] - b[1] for b in placed]))
    lines: list[list[tuple]] = []
    for box in sorted(placed, key=lambda b: (b[1] + b[3]) / 2):
        middle = (box[1] + box[3]) / 2
        if lines and abs(middle - _middle(lines[-1])) < height / 2:
            lines[-1].append(box)
        else:
            lines.append([box])
    return [_line(sorted(found, key=lambda b: b[0])) for found in lines]


def _slants(boxes: list[tuple[np.ndarray, str, float]]) -> list[float]:
    """Each box's slant (radians): the direction from it to the point where the long boxes'
    lines meet (_vanishing); where there are too few long boxes to tell, the median of the
    NEAREST long boxes' slants (by height on the page), or of every box's when there is no
    long box. A page seen at an angle has its lines meet, far off, at one point: over a
    receipt, its lines slanting 0 degrees at its top and 9 at its foot (seed 167 page 67),
    or over an A4 bill, 14 degrees at its left edge and 11 at its right (page 47), the
    nearest long boxes' median slant lagged behind, and amounts were read on the line of
    another label (a wrong total, sure, on page 67)."""
    angles = np.array([math.atan2(b[1][1] - b[0][1], b[1][0] - b[0][0]) for b, _t, _s in boxes])
    long = np.array([_width(b) >= LONG * _height(b) for b, _t, _s in boxes])
    if not long.any():
        return [float(np.median(angles))] * len(boxes)
    centres = np.array([b.mean(axis=0) for b, _t, _s in boxes])
    meet = _vanishing([boxes[i][0] for i in np.flatnonzero(long)], centres)
    if meet is not None:
        return [float(slant) for slant in _towards(meet, centres)]
    heights, slants = centres[long, 1], angles[long]
    return [float(np.median(slants[np.argsort(np.abs(heights - y))[:NEAREST]]))
            for y in centres[:, 1]]


def _vanishing(long: list[np.ndarray], centres: np.ndarray) -> np.ndarray | None:
    """Where the long boxes' lines (through the middles of their ends) meet, in homogeneous
    coordinates (the last 0 when they run parallel): the least-squares meeting point, each
    line weighted by its box's length (the cross product of its ends is that long), found
    again without the box furthest off it while one is over OFF_LINE off (a stamp set askew,
    another paper's line), down to NEAREST boxes. None from fewer than NEAREST long boxes,
    or where the lines meet within NEAR_MEET times the text's extent of its middle (no page
    is seen that steeply: the boxes of two papers, or of none)."""
    if len(long) < NEAREST:
        return None
    middle, scale = centres.mean(axis=0), float(np.ptp(centres, axis=0).max()) or 1.0
    ends = (np.array([[(b[0] + b[3]) / 2, (b[1] + b[2]) / 2] for b in long]) - middle) / scale
    lines = np.cross(np.pad(ends[:, 0], ((0, 0), (0, 1)), constant_values=1),
                     np.pad(ends[:, 1], ((0, 0), (0, 1)), constant_values=1))
    slants = np.arctan2(*(ends[:, 1] - ends[:, 0]).T[::-1])
    kept = np.ones(len(lines), dtype=bool)
    meet = np.linalg.svd(lines)[2][-1]
    # The box furthest off is left out and the rest met again, one at a time: one box of
    # another paper (24 degrees among boxes of -4 to -7: fresh seed 193, Vyapar photo 39)
    # drew the first meeting point so far off that half the page's own lines were over
    # OFF_LINE from it, and leaving those out kept the wrong point.
    while kept.sum() > NEAREST:
        off = np.abs(_level(slants - _towards(meet, ends.mean(axis=1))))
        worst = int(np.argmax(np.where(kept, off, -1.0)))
        if off[worst] <= OFF_LINE:
            break
        kept[worst] = False
        meet = np.linalg.svd(lines[kept])[2][-1]
    if np.linalg.norm(meet[:2]) < NEAR_MEET * abs(meet[2]):
        return None
    return np.array([meet[0] * scale + middle[0] * meet[2],  # back in the picture's pixels
                     meet[1] * scale + middle[1] * meet[2], meet[2]])


def _towards(meet: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The slant (radians, level within a quarter turn) of the line from each point to
    `meet` (homogeneous)."""
    dx = meet[0] - points[:, 0] * meet[2]
    dy = meet[1] - points[:, 1] * meet[2]
    return _level(np.arctan2(dy, dx))


def _level(angles: np.ndarray) -> np.ndarray:
    """Angles of lines (which run both ways) within a quarter turn of level."""
    return (angles + math.pi / 2) % math.pi - math.pi / 2


def _bounds(box: np.ndarray) -> Box:
    (left, top), (right, bottom) = box.min(axis=0), box.max(axis=0)
    return int(left), int(top), math.ceil(right), math.ceil(bottom)


def _width(box: np.ndarray) -> float:
    return float(np.linalg.norm(box[1] - box[0]))


def _height(box: np.ndarray) -> float:
    return float(np.linalg.norm(box[3] - box[0]))


def _middle(line: list[tuple]) -> float:
    return sum((b[1] + b[3]) / 2 for b in line) / len(line)


def _line(boxes: list[tuple]) -> Line:
    """One line; full-width punctuation the Chinese-trained model writes ("：") made ASCII."""
    words = tuple(Word(part, score, bounds, quad) for *_xy, text, score, bounds, quad in boxes
                  for part in unicodedata.normalize("NFKC", text).split())
    box = (int(min(b[0] for b in boxes)), int(min(b[1] for b in boxes)),
           int(max(b[2] for b in boxes)), int(max(b[3] for b in boxes)))
    return Line(words, box)
