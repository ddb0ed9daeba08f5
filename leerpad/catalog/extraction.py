"""Text out of uploaded files, transcripts out of subtitles, safe HTML for articles.

- `extract_text` reads the words of a PDF, Word (DOCX), PowerPoint (PPTX), Markdown,
  plain-text or HTML file, for the search index and the item's text. The result is
  capped (`MAX_TEXT_CHARS`): a 2,000-page PDF must not blow up the index.
- `parse_transcript` turns WebVTT or SRT into timed `Cue`s; bad input gets an error that
  names the line, so L&D can fix the file.
- `sanitize_html` keeps only what an article needs (an allow-list, nh3/ammonia).

Uploaded files are untrusted: every parser failure becomes an `ExtractionError` whose
message is meant for the person who uploaded the file.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import nh3
import webvtt
from django.utils.translation import gettext as _
from webvtt.errors import MalformedCaptionError, MalformedFileError

from leerpad.core.logging import get_logger

log = get_logger(__name__)

# About 2 MB of text: more than any real course document, small enough for the index.
MAX_TEXT_CHARS = 2_000_000
# Plain-text formats are read up to this many bytes (UTF-8 needs up to 4 per character).
_MAX_READ_BYTES = 4 * MAX_TEXT_CHARS
# A PDF longer than this is a scan archive, not a course document; its start is enough.
_MAX_PDF_PAGES = 3000

# A transcript of a ten-hour recording is about 1 MB; more is not a transcript.
TRANSCRIPT_MAX_BYTES = 10 * 1024 * 1024

DOCUMENT_EXTENSIONS = frozenset(
    {".pdf", ".docx", ".pptx", ".md", ".markdown", ".txt", ".html", ".htm"}
)
TRANSCRIPT_EXTENSIONS = frozenset({".vtt", ".srt"})


class ExtractionError(ValueError):
    """A file whose text cannot be read; the message says why, for the uploader."""


@dataclass(frozen=True)
class Cue:
    """One timed line of a transcript."""

    start_ms: int
    end_ms: int
    text: str


# --- documents ----------------------------------------------------------------------------


def extract_text(path: Path, filename: str) -> str:
    """The text of the file at `path`; `filename` (as uploaded) tells its type.

    Raises ExtractionError for an unsupported type or a file that cannot be read.
    """
    suffix = Path(filename).suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        raise ExtractionError(
            _(
                "Leerpad cannot read text from “%(name)s”. Upload a PDF, Word (.docx), "
                "PowerPoint (.pptx), Markdown, plain-text or HTML file."
            )
            % {"name": filename}
        )
    try:
        text = reader(path)
    except ExtractionError:
        raise
    except Exception as exc:
        # Parsers of untrusted files fail in many ways (their own errors, KeyError,
        # struct.error, zipfile.BadZipFile, ...); each means "this file is broken".
        log.info("catalog.extraction_failed", filename=filename, error=repr(exc))
        raise ExtractionError(
            _(
                "“%(name)s” could not be read: the file seems damaged or is not a real "
                "%(type)s file."
            )
            % {"name": filename, "type": suffix.lstrip(".").upper()}
        ) from exc
    return _tidy(text)


def _capped(parts: Iterable[str]) -> str:
    """Join text parts until the cap is reached; stops reading the rest of the file."""
    out: list[str] = []
    size = 0
    for part in parts:
        if not part:
            continue
        out.append(part)
        size += len(part) + 1
        if size >= MAX_TEXT_CHARS:
            break
    return "\n".join(out)


_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text).strip()
    return text[:MAX_TEXT_CHARS]


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    if reader.is_encrypted and not reader.decrypt(""):
        raise ExtractionError(
            _("This PDF is protected with a password; upload a copy without the password.")
        )

    def pages() -> Iterator[str]:
        for index, page in enumerate(reader.pages):
            if index >= _MAX_PDF_PAGES:
                return
            yield page.extract_text() or ""

    return _capped(pages())


def _read_docx(path: Path) -> str:
    import docx
    from docx.table import Table

    def table_text(table: Table) -> Iterator[str]:
        for row in table.rows:
            cells: list[str] = []
            for cell in row.cells:
                # A merged cell appears once per grid column it spans; read it once.
                text = "\n".join(
                    block.text if not isinstance(block, Table) else "\n".join(table_text(block))
                    for block in cell.iter_inner_content()
                ).strip()
                if text and (not cells or cells[-1] != text):
                    cells.append(text)
            if cells:
                yield " | ".join(cells)

    def blocks() -> Iterator[str]:
        document = docx.Document(str(path))
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                yield from table_text(block)
            else:
                yield block.text

    return _capped(blocks())


def _read_pptx(path: Path) -> str:
    from pptx import Presentation
    from pptx.shapes.base import BaseShape
    from pptx.shapes.group import GroupShape

    def shape_text(shape: BaseShape) -> Iterator[str]:
        if isinstance(shape, GroupShape):
            for inner in shape.shapes:
                yield from shape_text(inner)
            return
        if getattr(shape, "has_text_frame", False):
            yield shape.text_frame.text  # type: ignore[attr-defined]
        if getattr(shape, "has_table", False):
            for row in shape.table.rows:  # type: ignore[attr-defined]
                yield " | ".join(cell.text for cell in row.cells if cell.text)

    def slides() -> Iterator[str]:
        presentation = Presentation(str(path))
        for slide in presentation.slides:
            for shape in slide.shapes:
                yield from shape_text(shape)
            if slide.has_notes_slide:
                notes = slide.notes_slide.notes_text_frame
                if notes is not None:
                    yield notes.text

    return _capped(slides())


def _read_bytes(path: Path) -> str:
    with path.open("rb") as file:
        data = file.read(_MAX_READ_BYTES)
    return decode_text(data)


def decode_text(data: bytes) -> str:
    """Bytes of a text file as text: UTF-8 (with or without BOM), else Windows-1252,
    the encoding older Office tools on Dutch and French Windows write."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


# Block-level tags: a line break before each keeps words of adjacent blocks apart once
# the tags are gone ("<p>a</p><p>b</p>" must become "a\nb", not "ab").
_BLOCK_TAG = re.compile(
    r"<(?=/?(?:p|div|br|hr|li|ul|ol|h[1-6]|tr|td|th|table|section|article|header|footer|"
    r"blockquote|pre|dd|dt|figcaption)\b)",
    re.IGNORECASE,
)


def html_to_text(markup: str) -> str:
    """The readable text of an HTML document (scripts and styles dropped)."""
    stripped = nh3.clean(_BLOCK_TAG.sub("\n<", markup), tags=set())
    return html.unescape(stripped)


def _read_html(path: Path) -> str:
    return html_to_text(_read_bytes(path))


def _read_markdown(path: Path) -> str:
    import markdown  # type: ignore[import-untyped]

    rendered: str = markdown.markdown(_read_bytes(path), extensions=["tables"])
    return html_to_text(rendered)


def _read_transcript_text(path: Path) -> str:
    with path.open("rb") as file:
        data = file.read(TRANSCRIPT_MAX_BYTES + 1)
    return _capped(cue.text for cue in read_transcript(data))


_READERS: dict[str, Callable[[Path], str]] = {
    ".pdf": _read_pdf,
    ".docx": _read_docx,
    ".pptx": _read_pptx,
    ".md": _read_markdown,
    ".markdown": _read_markdown,
    ".txt": _read_bytes,
    ".html": _read_html,
    ".htm": _read_html,
    ".vtt": _read_transcript_text,
    ".srt": _read_transcript_text,
}


# --- transcripts --------------------------------------------------------------------------

# WebVTT: [hh:]mm:ss.ttt; SRT: hh:mm:ss,ttt (many tools write "." in SRT too).
_VTT_TIME = r"(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}"
_TIMING = re.compile(rf"^\s*(?P<start>{_VTT_TIME})\s*-->\s*(?P<end>{_VTT_TIME})(?:\s+.*)?$")
_TIMING_EXAMPLE = "00:00:01.000 --> 00:00:04.000"
# Two times on one line: meant as a timing line, even with a broken arrow ("->").
_TIMING_ATTEMPT = re.compile(rf"^\s*{_VTT_TIME}\s*\S{{1,4}}\s*{_VTT_TIME}")


def _ms(value: str) -> int:
    clock, _sep, fraction = value.replace(",", ".").partition(".")
    parts = [int(p) for p in clock.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0)
    hours, minutes, seconds = parts
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + int(fraction.ljust(3, "0")[:3])


def read_transcript(data: bytes) -> list[Cue]:
    """`parse_transcript` of a file's bytes, refusing files larger than a transcript is."""
    if len(data) > TRANSCRIPT_MAX_BYTES:
        raise ExtractionError(
            _("A transcript file can be at most %(max)d MB.")
            % {"max": TRANSCRIPT_MAX_BYTES // (1024 * 1024)}
        )
    return parse_transcript(decode_text(data))


def parse_transcript(text: str) -> list[Cue]:
    """The cues of a WebVTT or SRT transcript, tags stripped, in file order.

    Raises ExtractionError naming the first bad line: a file that is neither format, a
    timing line that does not parse, a cue that ends before it starts, or no cues at all.
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    first = next((line.strip() for line in lines if line.strip()), "")
    if first.startswith("WEBVTT"):
        fmt = "vtt"
    elif any("-->" in line for line in lines):
        fmt = "srt"
    else:
        raise ExtractionError(
            _(
                "This is not a WebVTT or SRT transcript: a WebVTT file starts with "
                "“WEBVTT”, and both have timing lines such as “%(example)s”."
            )
            % {"example": _TIMING_EXAMPLE}
        )
    for number, line in enumerate(lines, start=1):
        if "-->" not in line and not _TIMING_ATTEMPT.match(line):
            continue
        match = _TIMING.match(line)
        if match is None:
            raise ExtractionError(
                _("Line %(line)d: “%(text)s” is not a valid timing line (expected “%(example)s”).")
                % {"line": number, "text": line.strip()[:80], "example": _TIMING_EXAMPLE}
            )
        if _ms(match["end"]) < _ms(match["start"]):
            raise ExtractionError(
                _("Line %(line)d: the cue ends (%(end)s) before it starts (%(start)s).")
                % {"line": number, "start": match["start"], "end": match["end"]}
            )
    first_index = next(i for i, line in enumerate(lines) if line.strip())
    if fmt == "srt" and not first.isdigit():
        raise ExtractionError(
            _(
                "Line %(line)d: an SRT transcript starts with the number of its first cue "
                "(“1”), then its timing line; a WebVTT transcript starts with “WEBVTT”."
            )
            % {"line": first_index + 1}
        )
    # Some tools put blank lines or spaces before the header; webvtt-py wants the
    # header (or the first cue number) on the first line.
    lines = lines[first_index:]
    lines[0] = lines[0].strip()
    try:
        captions = webvtt.from_buffer(io.StringIO("\n".join(lines)), format=fmt).captions
    except (MalformedFileError, MalformedCaptionError, ValueError) as exc:
        raise ExtractionError(
            _("The transcript could not be read: %(error)s") % {"error": str(exc) or fmt}
        ) from exc
    cues = []
    for caption in captions:
        words = " ".join(html.unescape(caption.text).split())
        if words:
            cues.append(
                Cue(
                    start_ms=caption.start_time.in_milliseconds(),
                    end_ms=caption.end_time.in_milliseconds(),
                    text=words,
                )
            )
    if not cues:
        raise ExtractionError(_("The transcript has no cues with text."))
    return cues


# --- article HTML -------------------------------------------------------------------------

ARTICLE_TAGS = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em",
        "a", "blockquote", "code", "pre", "img",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    }
)  # fmt: skip
ARTICLE_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}


def _article_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Images load without a click, so only web addresses (or paths on Leerpad) may be
    # their source; links may also be mailto:.
    if tag == "img" and attribute == "src":
        scheme = urlsplit(value.strip()).scheme.lower()
        return value if scheme in {"", "http", "https"} else None
    return value


_ARTICLE_CLEANER = nh3.Cleaner(
    tags=set(ARTICLE_TAGS),
    attributes=ARTICLE_ATTRIBUTES,
    attribute_filter=_article_attribute,
    url_schemes={"http", "https", "mailto"},
    # Every link gets rel="noopener noreferrer": an opened page cannot reach back into
    # Leerpad's window, nor learn which article linked to it.
    link_rel="noopener noreferrer",
)


def sanitize_html(markup: str) -> str:
    """Article HTML reduced to the allow-list: no scripts, styles, events or classes."""
    return _ARTICLE_CLEANER.clean(markup).strip()
