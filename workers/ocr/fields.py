"""Find the invoice fields in OCR'd lines: GSTINs, number, date, total and line items."""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from models.invoices.read import InvoiceRead
from models.invoices.values import parse_date
from workers.ocr import items, total
from workers.ocr.lines import Box, Line
from workers.ocr.repair import AS_READ, GUESSED, find_gstin, repair_gstin

# The label, also run on to a GSTIN whose state code was read as letters ("GSTINO6TC…") or
# to its colon read as a letter ("GSTINE25WSLR…": the letter is dropped by find_gstin).
_GSTIN_LABEL = re.compile(r"GST\s*(?:IN\s*/\s*UIN|IN|NO|N)?(?![A-Z])|GSTIN(?=[OIZS][0-9OIZS])|"
                          r"GSTIN(?=[A-Z]\d\d[A-Z])|जीएसटी", re.I)
_BUYER = re.compile(r"buyer|bill(?:ed)?\s*to|ship(?:ped)?\s*to|\bto\s*:|consignee|customer|"
                    r"recipient|खरीदार|ग्राहक|प्राप्तकर्ता", re.I)
# A buyer's label misread ("Bi1l T0:", "Consignce"): only to doubt a seller's GSTIN under it.
_BUYER_LOOSE = re.compile(r"\bb[il1|!]{2,3}(?:ed)?\s*t[o0]\b|\bsh[il1]p|\bcons[il1]g|\bparty\b|"
                          r"\bdetails\s*of\s*(?:buyer|receiver)", re.I)
# "Invoice" as read: "Inv", "Inv .", "Inv,", "Involce", "lnv" (a thin i read as l); "Bill"
# as "Bl", but not inside a word ("SBIN0001234", an IFSC code, is no "Bill No." 001234).
# A dot-matrix page's label further: "Invotce", "Invcice", "Tnvo1ce", "8i11", "No" read "Mo"
# and "#" read "$" (bench/ocr.py seed 601 and 602, dot-matrix pages 77, 107, 23 and 35);
# its I lost at the edge of a photo's text box ("nvoice No.": a tally photo, study seed 701).
_NUMBER = re.compile(r"(?:(?:[il]n?v(?:[o0][il1]ce?)?|"
                     r"(?<![a-z0-9])[ilt1]?nv[o0ceau][a-z0-9]{2,3})\s?[.,]?|"
                     r"(?<![a-z0-9])[b8][il1]{1,3}|voucher|memo)\s*"
                     r"(?:n[o0]|m[o0](?![a-z])|number|#|\$(?=[\s:]))\.?|invoice\s*(?=[:#])|"
                     r"(?:बिल|चालान|बीजक)\s*(?:संख्या|सं|नं)", re.I)
# The label as printed, but for a thin letter's or an O's lookalike ("lnv", "Invo1ce", "N0"):
# a label read otherwise ("Invotce No", "8i11 No") is a line whose characters were misread,
# its number's likely too.
_NUMBER_READ = re.compile(r"(?:[il1]nv[o0][il1]ce|[il1]nv|b[il1]{3}|voucher|memo)\s?[.,]?\s*"
                          r"(?:n[o0]|number|#)\.?|[il1]nv[o0][il1]ce\s*|"
                          r"(?:बिल|चालान|बीजक)\s*(?:संख्या|सं|नं)", re.I)
# A letter between two digits of a serial ("SI/6A27" for 6427, "INY-6Z320"), or before the
# digits after a series ("TI-T7467" for TI-77467): a digit misread.
_LETTER_IN_DIGITS = re.compile(r"(?<=\d)[A-Z]+(?=\d)")
_LETTER_BEFORE_DIGITS = re.compile(r"[A-Z]\d+$")
# A date label run on to the number ("INV-12Dt", "830BillDate21-12"), as a box of PP-OCR.
_DATE_AFTER = re.compile(r"(?<=\d)(?:B[IL1]{3}|INV(?:[O0]ICE)?)?(?:DATED|DATE|DT)[0-9A-Z./\-]*$",
                         re.I)
_SERIES = re.compile(r"[A-Za-z$][A-Za-z$1]*(?=[-/])")  # "INV-", "SI/", as read
# A series prefix of letters with a letter read as a digit beside them: "6ST/" or "G5T/" for
# GST/, "5I/" for SI/ (a dot-matrix G is a 6 to the engine); at most four characters, at
# least one a letter, and the digits all lookalikes of letters.
_SERIES_DIGITS = re.compile(r"(?=[A-Za-z$0-9]{0,3}[A-Za-z$])[A-Za-z$0125678]{2,4}(?=[-/])")
_AS_LETTER = str.maketrans("0125678", "OIZSGTB")
# A financial year in a number ("GST/25-26/…", "2025-26/…"): its two years follow each other.
_YEARS = re.compile(r"(?<![0-9A-Z])(?:20)?(\d\d)-([0-9A-Z]{2})(?=/|$)", re.I)
_NUMBER_VALUE = re.compile(r"[:.#\-\s]*([A-Z0-9$][A-Z0-9/\-]{1,24})", re.I)
_DATE_LABEL = re.compile(r"date|dated|dt\b|दिनांक|तारीख", re.I)
# A financial year run into its serial ("2025-267511"): the slash after it read as a digit
_YEAR_RUN_ON = re.compile(r"(?<![0-9A-Z])(?:20)?(\d\d)-(\d\d)(?=\d)", re.I)
# Not a number at all: a date beside the number's label (Tally prints "Invoice No." and
# "Dated" side by side: "13-DEE-25"), or a number cut short at its year ("GST/25", "2025" for
# "GST/25-26/7619", "2025-26/771"): study seed 163, Tally and Vyapar photos, read sure.
_NOT_A_NUMBER = re.compile(r"\d{1,2}[-/. ][A-Z]{3}[-/. ]\d{2,4}|(?:[A-Z]+[-/])?(?:20)?2\d", re.I)
_YEAR_GROUP = re.compile(r"(?<![0-9A-Z])(\d{4})(?=[/\-][0-9A-Z])", re.I)


def extract(lines: list[Line]) -> InvoiceRead:
    """Read every field from the lines of one page."""
    read = InvoiceRead()
    _gstins(lines, read)
    _number(lines, read)
    _date(lines, read)
    _year_in_number(read)
    _total(lines, read)
    read.items = items.find(lines)
    return read


def _gstins(lines: list[Line], read: InvoiceRead) -> None:
    """The buyer's GSTIN is the one under (or on) a buyer label, or the first after it that is
    not the seller's; the seller's the first other,
    read sure only above any buyer label: the seller's header comes first, and a GSTIN
    below the buyer's label whose own label was lost ("Bil1 T0:" over a stamp) is more
    likely the buyer's than the seller's, so the partner confirms it. So is one after a
    GSTIN that could not be read (no GSTIN passes its checksum): that one was the seller's
    more likely, and the one read the buyer's under a buyer label misread ("nill zo:",
    bench/ocr.py seed 601, dot-matrix photo 53). A GSTIN repaired by a guess (GUESSED) is
    confirmed too."""
    below_buyer = lost = False
    for index, line in enumerate(lines):
        for raw in _gstin_tokens(line.text):
            gstin, how = repair_gstin(raw)
            if gstin is None:
                lost = lost or _gstin_like(raw)
                continue
            repaired = how != AS_READ
            conf = line.conf_of(raw) * (0.85 if repaired else 1.0)
            conf = max(conf, 0.9 if not repaired else 0.75)  # the checksum vouches for it
            if how == GUESSED:
                conf = min(conf, 0.7)
            context = " ".join(x.text for x in lines[max(0, index - 2): index + 1])
            if _BUYER.search(context):
                read.set("buyer_gstin", gstin, conf)
            elif read.seller_gstin is None:
                read.set("seller_gstin", gstin, min(conf, 0.6) if below_buyer or lost else conf)
            elif below_buyer and read.buyer_gstin is None and gstin != read.seller_gstin:
                # The buyer's block run on past its label: name and address lines, then its
                # GSTIN (TallyPrime's is three lines under "Buyer (Bill to)").
                read.set("buyer_gstin", gstin, conf)
        below_buyer = below_buyer or any(p.search(line.text) for p in (_BUYER, _BUYER_LOOSE))


def _gstin_like(run: str, least: int = 15) -> bool:
    """Whether a run after a GSTIN label (or standing alone) may be a GSTIN misread: `least`
    characters or more, a state code's two digits (or their lookalikes) first, three letters
    where the PAN's five stand and five digits in its first 15 (not a tax table's heading
    run on, "SGST Total Tax Amount", nor a number's series, "GST/25-26/3898 Date")."""
    return (len(run) >= least and re.match(r"[0-9OIZSBL]{2}", run) is not None
            and sum(c.isalpha() for c in run[2:7]) >= 3
            and sum(c.isdigit() for c in run[:15]) >= 5)


def unsure_gstin_lines(lines: list[Line]) -> list[int]:
    """Indexes of lines with a GSTIN label but no GSTIN that passes its checksum as read."""
    return [i for i, line in enumerate(lines) if _GSTIN_LABEL.search(line.text)
            and not any(find_gstin(t) == (t[:15], False) for t in _gstin_tokens(line.text))]


def _gstin_tokens(text: str) -> list[str]:
    """Runs of 15-17 characters after a GSTIN label, or standing alone; spaces ignored."""
    tokens = []
    upper = text.upper()
    for match in _GSTIN_LABEL.finditer(upper):
        tail = upper[match.end():].lstrip(" :.-#")
        tail = re.sub(r"[^0-9A-Z|)\]]", "", tail)
        if len(tail) >= 15:
            tokens.append(tail[:17])
    if not tokens:
        tokens = re.findall(r"(?<![0-9A-Z])[0-9OIZSBL]{2}[A-Z0-9]{13}(?![0-9A-Z)\]|])", upper)
    return list(dict.fromkeys(tokens))


def number_line(lines: list[Line]) -> int | None:
    """Index of the first line that carries the invoice number, if any."""
    found = _first_number(lines)
    return found[0] if found else None


def _first_number(lines: list[Line]) -> tuple[int, str, bool] | None:
    """(line index, mended invoice number, label read as printed?) of the first labelled
    number."""
    for index, line in enumerate(lines):
        for label in _NUMBER.finditer(line.text):
            printed = bool(_NUMBER_READ.fullmatch(label.group().strip()))
            match = _NUMBER_VALUE.match(line.text, label.end())
            if match and any(c.isdigit() for c in match.group(1)):
                return (index, _mend_number(_run_on(match.group(1), line.text[match.end():])),
                        printed)
            if (under := _under(lines, index, label.end())) is not None:
                return under[0], _mend_number(_run_on(under[1], "")), printed
    return None


def _boxes(line: Line) -> list[tuple[Box, str]]:
    """The line's text boxes and their text (a line read without word boxes: one box)."""
    if not all(word.box for word in line.words):
        return [(line.box, line.text)]
    found: dict[Box, list[str]] = {}
    for word in line.words:
        found.setdefault(word.box, []).append(word.text)
    return [(box, " ".join(texts)) for box, texts in found.items()]


def _under(lines: list[Line], index: int, end: int) -> tuple[int, str] | None:
    """(line index, number) of a number printed under its label in a cell of its own, as
    TallyPrime prints "Invoice No." over "INV-56231" (a "Dated" cell beside them): the text
    box on one of the next two lines that lies under the label's box, a number's shape with a
    digit and no date."""
    line, start, box, rest = lines[index], 0, None, ""
    for where, text in _boxes(line):
        start = line.text.find(text, start)
        if start <= end <= start + len(text):
            box, rest = where, text[end - start:]
            break
        start += len(text)
    if box is None or box == (0, 0, 0, 0) or rest.strip(" .:#-"):
        return None  # no box, or the label's box goes on: not a cell of its own
    for below in range(index + 1, min(index + 3, len(lines))):
        for under, value in _boxes(lines[below]):
            if under[0] < box[2] and under[2] > box[0]:
                found = _NUMBER_VALUE.fullmatch(value.strip())
                if found and any(c.isdigit() for c in value) and parse_date(value) is None:
                    return below, found.group(1)
                break
    return None


def _run_on(value: str, rest: str) -> str:
    """`value` whole when a space was read after one of its separators ("2025- 26/707"), and
    without a date's label run on to it, in the same box ("INV-12Dt") or split from the
    date's next word ("Tl-28552Bill Date18.12.2025")."""
    if value[-1] in "-/" and (more := re.match(r"\s([0-9][A-Z0-9/\-]*)", rest, re.I)):
        value, rest = value + more.group(1), rest[more.end():]
    elif len(value) <= 3 and (more := re.match(r"\s(\d{3,})(?![0-9./\-])", rest)):
        # A short number and a run of digits after a space ("M1 7764"): one number, its
        # space misread; the partner confirms it (_number_conf)
        value, rest = value + more.group(1), rest[more.end():]
    after = rest.split()[:1]
    if after and _DATE_LABEL.match(after[0]):
        joined = _DATE_AFTER.sub("", value + after[0])
        value = joined if len(joined) <= len(value) else value
    return _DATE_AFTER.sub("", value).strip("-/")


def _number(lines: list[Line], read: InvoiceRead) -> None:
    if (found := _first_number(lines)) is not None:
        index, value, printed = found
        conf = lines[index].conf_of(value)
        if value not in re.sub(r"(?<=[-/])\s", "", lines[index].text.upper()):
            conf = min(conf, 0.6)  # joined across a space
        serial = _serial(value)
        if (not printed or _LETTER_IN_DIGITS.search(serial)
                or (serial != value and _LETTER_BEFORE_DIGITS.fullmatch(serial))):
            conf = min(conf, 0.7)
        read.set("invoice_number", value, _number_conf(value, conf))


def _serial(value: str) -> str:
    """The number without its series prefix of letters ("INV-", "GST/")."""
    series = _SERIES.match(value)
    return value[series.end():].lstrip("-/") if series else value


# A series of one letter before its slash ("S/7254"): a thin letter beside it lost ("SI/")
_ONE_LETTER = re.compile(r"[A-Z]/\d")


def _number_conf(value: str, conf: float) -> float:
    """A number whose financial year is not two years that follow each other ("25-28/…",
    "25-2b/…": a digit misread), or runs into its serial ("2025-267511" for "2025-26/511": a
    dot-matrix slash read as a 7, study seed 151 page 13), or whose series is one letter, or
    that is a date or a year (_NOT_A_NUMBER), is confirmed by the partner."""
    doubtful = (_ONE_LETTER.match(value) or _NOT_A_NUMBER.fullmatch(value)
                or not all(_following(*years) for years in _YEARS.findall(value))
                or any(_following(*years) for years in _YEAR_RUN_ON.findall(value)))
    return min(conf, 0.6) if doubtful else conf


def _following(first: str, second: str) -> bool:
    """Whether two-digit years make a financial year ("25", "26")."""
    return first.isdigit() and second.isdigit() and int(second) == (int(first) + 1) % 100


def _year_in_number(read: InvoiceRead) -> None:
    """A number whose year, before its serial ("ST/2926/02696"), is a digit away from the
    invoice date's year (or a year beside it) but not it: a digit misread, so the partner
    confirms the number."""
    number, day = read.invoice_number, read.invoice_date
    if number is None or day is None:
        return
    years = {str(day.year + step) for step in (-1, 0, 1)}
    for group in _YEAR_GROUP.findall(number):
        if group not in years and any(Levenshtein.distance(group, y) == 1 for y in years):
            read.confidence["invoice_number"] = min(read.confidence["invoice_number"], 0.6)


def _mend_number(token: str) -> str:
    """Invoice numbers are upper case. In a series prefix of letters ("TI-", "SI/") a '1', an
    'l' or '$' is a letter, and "Il" is one I whose serif was read twice; after it a lone 'l'
    is an I beside letters, else a 1. A mended value no longer matches the word Tesseract
    vouched for, so it gets a low confidence and the partner confirms it."""
    if (lookalike := _SERIES_DIGITS.match(token)) and not _SERIES.fullmatch(lookalike.group()):
        token = lookalike.group().translate(_AS_LETTER) + token[lookalike.end():]
    series = _SERIES.match(token)
    head, rest = (series.group(), token[series.end():]) if series else ("", token)
    head = re.sub(r"Il|lI", "I", head).replace("$", "S").replace("l", "I").replace("1", "I")
    rest = re.sub(r"(?<=[A-Z])l|l(?=[A-Z])", "I", rest.replace("$", "S")).replace("l", "1")
    # A dot-matrix 0 read as C among digits ("ST/2026/C9198", bench/ocr.py seed 601, 107)
    rest = _ZERO_AS_C.sub(lambda group: group.group().replace("C", "0"), rest.upper())
    return (head + rest).upper()


# A group of five or more digits and C's, at least three digits, after a separator or
# starting with a digit: a C in it is a 0 (a number's own leading C, "C38105", stays).
_ZERO_AS_C = re.compile(r"(?:(?<=[-/])|(?<![0-9A-Z])(?=\d))(?=(?:C*\d){3})[\dC]{5,}(?![0-9A-Z])")


def _date(lines: list[Line], read: InvoiceRead) -> None:
    for line in lines:
        label = _DATE_LABEL.search(line.text)
        if label:
            tail = line.text[label.end():]
            found = parse_date(tail)
            if found:
                read.set("invoice_date", found, line.conf_of(tail.split()[-1] if tail.split()
                                                             else tail))
                return
    # No label: the first date, trusted more when it is the only date on the page (a
    # receipt's "Bill No: 123   24-12-25").
    dated = [(line, found) for line in lines if (found := parse_date(line.text))]
    if dated:
        line, found = dated[0]
        alone = len({d for _l, d in dated}) == 1
        read.set("invoice_date", found, (0.9 if alone else 0.6) * line.conf_of(line.text))




def _total(lines: list[Line], read: InvoiceRead) -> None:
    found = total.find(lines)
    if found is not None:
        read.set("total_paise", *found)

