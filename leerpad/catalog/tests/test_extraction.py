"""Text from uploaded files, transcripts from WebVTT and SRT, article HTML, and the upload
and background task that put them on items."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from leerpad.accounts.models import Person
from leerpad.catalog import extraction
from leerpad.catalog.extraction import (
    Cue,
    ExtractionError,
    extract_text,
    parse_transcript,
    sanitize_html,
)
from leerpad.catalog.models import ContentItem, Extraction, ItemTranslation, Kind, Status
from leerpad.catalog.services_files import UploadError, attach_transcript, upload_file


def pdf_with_text(*lines: str) -> bytes:
    """A minimal valid PDF: one page, Helvetica, one line of text per argument."""
    commands = ["BT", "/F1 18 Tf", "72 720 Td", "22 TL"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        commands.append(f"({escaped}) Tj T*")
    commands.append("ET")
    stream = "\n".join(commands).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def docx_file(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Klachten behandelen", level=1)
    document.add_paragraph("Luister eerst naar de klant.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Stap"
    table.cell(0, 1).text = "Wat"
    table.cell(1, 0).text = "1"
    table.cell(1, 1).text = "Bedank de klant"
    document.add_paragraph("Sluit af met een oplossing.")
    document.save(str(path))
    return path


def pptx_file(path: Path) -> Path:
    from pptx import Presentation
    from pptx.util import Inches

    presentation = Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = "Veiligheid in het magazijn"
    slide.placeholders[1].text = "Draag altijd veiligheidsschoenen"
    slide.notes_slide.notes_text_frame.text = "Vertel het verhaal van de heftruck."
    second = presentation.slides.add_slide(presentation.slide_layouts[5])
    table = second.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(4), Inches(1)).table
    table.cell(0, 0).text = "Zone"
    table.cell(1, 0).text = "Laadperron"
    presentation.save(str(path))
    return path


def written(tmp_path: Path, name: str, content: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


# --- documents ----------------------------------------------------------------------------


def test_pdf_text(tmp_path: Path) -> None:
    path = written(tmp_path, "a.pdf", pdf_with_text("Hello Leerpad", "Second line"))
    text = extract_text(path, "Handleiding.PDF")
    assert "Hello Leerpad" in text
    assert "Second line" in text


def test_docx_paragraphs_and_tables_in_document_order(tmp_path: Path) -> None:
    text = extract_text(docx_file(tmp_path / "a.docx"), "a.docx")
    lines = text.splitlines()
    assert lines[0] == "Klachten behandelen"
    assert "Stap | Wat" in lines
    assert "1 | Bedank de klant" in lines
    assert lines.index("1 | Bedank de klant") < lines.index("Sluit af met een oplossing.")


def test_pptx_slides_tables_and_notes(tmp_path: Path) -> None:
    text = extract_text(pptx_file(tmp_path / "a.pptx"), "a.pptx")
    assert "Veiligheid in het magazijn" in text
    assert "Draag altijd veiligheidsschoenen" in text
    assert "Vertel het verhaal van de heftruck." in text
    assert "Laadperron" in text


def test_markdown_loses_its_markup(tmp_path: Path) -> None:
    path = written(
        tmp_path,
        "a.md",
        "# Titel\n\nEen **vette** zin met een [link](https://x.example).\n\n- punt",
    )
    text = extract_text(path, "notes.md")
    assert text.splitlines()[0] == "Titel"
    assert "Een vette zin met een link." in text
    assert "punt" in text
    assert "*" not in text and "#" not in text and "https" not in text


def test_html_without_tags_scripts_or_styles(tmp_path: Path) -> None:
    markup = (
        "<html><style>p{}</style><p>Eerste&nbsp;alinea</p><p>Tweede &amp; laatste</p>"
        "<script>alert(1)</script>"
    )
    text = extract_text(written(tmp_path, "a.html", markup), "page.htm")
    assert text == "Eerste alinea\n\nTweede & laatste"


def test_plain_text_in_windows_1252(tmp_path: Path) -> None:
    path = written(tmp_path, "a.txt", "Café en crème".encode("cp1252"))
    assert extract_text(path, "a.txt") == "Café en crème"


def test_text_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extraction, "MAX_TEXT_CHARS", 1000)
    path = written(tmp_path, "a.txt", "woord " * 5000)
    assert len(extract_text(path, "a.txt")) == 1000


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.exe", b"MZ", "cannot read text from “a.exe”"),
        ("a.pdf", b"%PDF-1.4 this is no pdf", "“a.pdf” could not be read"),
        ("a.docx", b"PK not really", "“a.docx” could not be read"),
        ("a.pptx", b"", "“a.pptx” could not be read"),
    ],
)
def test_unsupported_or_broken_files(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    with pytest.raises(ExtractionError, match=message):
        extract_text(written(tmp_path, "upload", content), name)


# --- transcripts --------------------------------------------------------------------------


def test_webvtt_cues_without_tags() -> None:
    vtt = (
        "WEBVTT\n\nNOTE a comment\n\n1\n00:00:00.000 --> 00:00:04.500 align:start\n"
        "<v Jan>Welkom</v> bij <b>deze</b> video\nover klachten\n\n"
        "00:05.000 --> 00:00:07.250\nTot &amp; met\n"
    )
    assert parse_transcript(vtt) == [
        Cue(0, 4500, "Welkom bij deze video over klachten"),
        Cue(5000, 7250, "Tot & met"),
    ]


def test_srt_cues() -> None:
    srt = (
        "\ufeff1\r\n00:00:01,000 --> 00:00:02,500\r\n<i>Hallo</i>\r\n\r\n"
        "2\r\n00:01:00,000 --> 00:01:01,000\r\nDaar\r\n"
    )
    assert parse_transcript(srt) == [Cue(1000, 2500, "Hallo"), Cue(60000, 61000, "Daar")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nx\n", "Line 3: “00:00:01.000 -> 00:00:02.000”"),
        ("WEBVTT\n\n00:00:01.000 --> soon\nx\n", "Line 3: .* is not a valid timing line"),
        ("WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nx\n", "Line 3: the cue ends"),
        ("Hallo\n00:00:01,000 --> 00:00:02,000\nx\n", "Line 1: an SRT transcript starts"),
        ("Just some text", "not a WebVTT or SRT transcript"),
        ("WEBVTT\n", "no cues"),
    ],
)
def test_bad_transcripts_name_the_line(text: str, message: str) -> None:
    with pytest.raises(ExtractionError, match=message):
        parse_transcript(text)


# --- article HTML -------------------------------------------------------------------------


def test_sanitize_keeps_article_markup() -> None:
    markup = (
        "<h2>Kop</h2><p><strong>Vet</strong> en <em>schuin</em></p><ul><li>een</li></ul>"
        "<blockquote>citaat</blockquote><pre><code>x = 1</code></pre>"
        '<table><tr><th scope="col">A</th></tr><tr><td>1</td></tr></table>'
        '<img src="https://cdn.example/a.png" alt="A"><img src="/media/b.png" alt="B">'
    )
    clean = sanitize_html(markup)
    kept = [
        "<h2>Kop</h2>",
        "<strong>Vet</strong>",
        "<em>schuin</em>",
        "<li>een</li>",
        "<blockquote>citaat</blockquote>",
        "<code>x = 1</code>",
        '<th scope="col">A</th>',
        '<img src="https://cdn.example/a.png" alt="A">',
        '<img src="/media/b.png" alt="B">',
    ]
    for fragment in kept:
        assert fragment in clean


def test_sanitize_removes_what_could_run_or_track() -> None:
    markup = (
        '<h1>Titel</h1><p onclick="steal()" style="color:red" class="x">tekst</p>'
        "<script>alert(1)</script><iframe src=https://evil.example></iframe>"
        '<a href="javascript:alert(1)">a</a><a href="https://ok.example" target="_blank">b</a>'
        '<img src="data:image/png;base64,AAAA" alt="d"><img src="mailto:x@y.z" alt="m">'
    )
    clean = sanitize_html(markup)
    assert clean.startswith("Titel<p>tekst</p>")
    for gone in (
        "script",
        "alert",
        "onclick",
        "style",
        "class",
        "iframe",
        "target",
        "data:",
        "mailto",
    ):
        assert gone not in clean
    assert '<a rel="noopener noreferrer">a</a>' in clean
    assert '<a href="https://ok.example" rel="noopener noreferrer">b</a>' in clean


# --- uploads and the extraction task ------------------------------------------------------


def make_item(kind: str, **fields: Any) -> ContentItem:
    return ContentItem.objects.create(kind=kind, status=Status.DRAFT, language="nl", **fields)


def upload(item: ContentItem, name: str, data: bytes, person: Person, capture: Any) -> ContentItem:
    with capture(execute=True):
        upload_file(item, SimpleUploadedFile(name, data), person)
    item.refresh_from_db()
    return item


@pytest.mark.django_db
def test_a_document_upload_fills_the_translation_in_the_item_language(
    dirk: Person, django_capture_on_commit_callbacks: Any
) -> None:
    item = make_item(Kind.DOCUMENT)
    data = pdf_with_text("Tel de kassa")
    item = upload(item, "Kassa_procedure.pdf", data, dirk, django_capture_on_commit_callbacks)
    assert item.extraction == Extraction.DONE, item.extraction_error
    translation = ItemTranslation.objects.get(item=item, language="nl")
    assert translation.title == "Kassa procedure"
    assert "Tel de kassa" in translation.body


@pytest.mark.django_db
def test_extraction_keeps_the_title_and_replaces_only_the_body(
    dirk: Person, django_capture_on_commit_callbacks: Any, tmp_path: Path
) -> None:
    item = make_item(Kind.DOCUMENT)
    ItemTranslation.objects.create(item=item, language="nl", title="Mijn titel", summary="Kort")
    data = docx_file(tmp_path / "a.docx").read_bytes()
    item = upload(item, "a.docx", data, dirk, django_capture_on_commit_callbacks)
    translation = ItemTranslation.objects.get(item=item, language="nl")
    assert (translation.title, translation.summary) == ("Mijn titel", "Kort")
    assert "Luister eerst naar de klant." in translation.body


@pytest.mark.django_db
def test_a_broken_document_fails_with_a_message_for_the_uploader(
    dirk: Person, django_capture_on_commit_callbacks: Any
) -> None:
    dirk.language = "en"
    dirk.save()
    item = make_item(Kind.DOCUMENT, owner=dirk)
    item = upload(item, "a.pdf", b"%PDF-1.4 garbage", dirk, django_capture_on_commit_callbacks)
    assert item.extraction == Extraction.FAILED
    assert "“a.pdf” could not be read" in item.extraction_error


@pytest.mark.django_db
def test_a_transcript_file_on_a_video_becomes_cues(
    dirk: Person, django_capture_on_commit_callbacks: Any
) -> None:
    item = make_item(Kind.VIDEO, url="https://video.example/a.mp4")
    vtt = b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHallo\n"
    item = upload(item, "a.vtt", vtt, dirk, django_capture_on_commit_callbacks)
    assert item.extraction == Extraction.DONE
    assert [(c.language, c.start_ms, c.text) for c in item.cues.all()] == [("nl", 1000, "Hallo")]


@pytest.mark.django_db
def test_a_video_file_needs_no_extraction(
    dirk: Person, django_capture_on_commit_callbacks: Any
) -> None:
    data = b"\0\0\0\x18ftypmp42"
    item = upload(make_item(Kind.VIDEO), "clip.mp4", data, dirk, django_capture_on_commit_callbacks)
    assert item.extraction == Extraction.NONE
    assert item.file.name.endswith("/clip.mp4")


@pytest.mark.django_db
def test_a_new_upload_deletes_the_previous_file(
    dirk: Person, django_capture_on_commit_callbacks: Any
) -> None:
    item = upload(
        make_item(Kind.DOCUMENT), "a.txt", b"een", dirk, django_capture_on_commit_callbacks
    )
    first = Path(item.file.path)
    item = upload(item, "b.txt", b"twee", dirk, django_capture_on_commit_callbacks)
    assert not first.exists()
    assert Path(item.file.path).read_bytes() == b"twee"
    assert ItemTranslation.objects.get(item=item).body == "twee"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "name", "data", "message"),
    [
        (Kind.DOCUMENT, "a.exe", b"MZ", "cannot be the file of a “Document” item"),
        (Kind.VIDEO, "a.pdf", b"%PDF", "Accepted: .m4v, .mov, .mp4"),
        (Kind.LINK, "a.pdf", b"%PDF", "has no file"),
        (Kind.DOCUMENT, "a.pdf", b"", "The file is empty"),
        (Kind.DOCUMENT, "a.pdf", b"x" * 2000, "The file is 2.0.KB; the largest file"),
    ],
)
def test_upload_refuses_with_a_reason(
    dirk: Person, settings: Any, kind: str, name: str, data: bytes, message: str
) -> None:
    settings.LEERPAD_UPLOAD_MAX_BYTES = 1024
    item = make_item(kind)
    with pytest.raises(UploadError, match=message):
        upload_file(item, SimpleUploadedFile(name, data), dirk)
    item.refresh_from_db()
    assert not item.file


@pytest.mark.django_db
def test_attach_transcript_replaces_the_cues_of_that_language() -> None:
    item = make_item(Kind.AUDIO)
    srt = b"1\n00:00:01,000 --> 00:00:02,000\nBonjour\n\n2\n00:00:03,000 --> 00:00:04,000\nSalut\n"
    assert attach_transcript(item, "fr", SimpleUploadedFile("fr.srt", srt)) == 2
    vtt = b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nRebonjour\n"
    assert attach_transcript(item, "fr", SimpleUploadedFile("fr.vtt", vtt)) == 1
    assert [(c.language, c.text) for c in item.cues.all()] == [("fr", "Rebonjour")]


@pytest.mark.django_db
def test_attach_transcript_names_the_bad_line() -> None:
    item = make_item(Kind.VIDEO)
    bad = b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nok\n\n00:00:03 --> 00:00:04\nno\n"
    with pytest.raises(UploadError, match="Line 6"):
        attach_transcript(item, "nl", SimpleUploadedFile("nl.vtt", bad))
    with pytest.raises(UploadError, match="Only videos and audio"):
        attach_transcript(make_item(Kind.DOCUMENT), "nl", SimpleUploadedFile("a.vtt", b"WEBVTT"))
    with pytest.raises(UploadError, match="language"):
        attach_transcript(item, "de", SimpleUploadedFile("a.vtt", b"WEBVTT"))
