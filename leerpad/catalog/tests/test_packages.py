"""E-learning packages: reading SCORM 1.2 / 2004, cmi5 and Tin Can manifests, unpacking
safely, and the upload that turns a ZIP into a playable `Package`."""

from __future__ import annotations

import io
import stat
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from leerpad.accounts.models import Person
from leerpad.catalog.models import ContentItem, Extraction, ItemTranslation, Kind, Package, Status
from leerpad.catalog.packages import PackageError, inspect_package, unpack_package
from leerpad.catalog.services_files import upload_file

PAGE = b"<!doctype html><title>SCO</title><p>Hallo</p>"


def make_zip(files: Mapping[str, bytes | str], *, links: Mapping[str, str] | None = None) -> bytes:
    """A ZIP with these files (and symbolic links, as Unix zip stores them)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return buffer.getvalue()


def scorm12_manifest(*, first_is_asset: bool = False) -> str:
    asset = (
        '<item identifier="I0" identifierref="R0"><title>Intro</title></item>'
        if first_is_asset
        else ""
    )
    return f"""<?xml version="1.0"?>
<manifest identifier="M1" version="1.0"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="ORG2">
    <organization identifier="ORG1"><title>Not the default</title>
      <item identifier="X" identifierref="R1"><title>X</title></item>
    </organization>
    <organization identifier="ORG2"><title>Veilig werken</title>
      {asset}
      <item identifier="I1" identifierref="R1" parameters="?lang=nl">
        <title>Les 1</title>
        <adlcp:masteryscore>80</adlcp:masteryscore>
        <adlcp:datafromlms>start=1</adlcp:datafromlms>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="R0" type="webcontent" adlcp:scormtype="asset" href="intro.html"/>
    <resource identifier="R1" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>"""


SCORM2004_MANIFEST = """<?xml version="1.0"?>
<manifest identifier="M2" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="O">
    <organization identifier="O"><title>Klantgesprekken</title>
      <item identifier="CH"><title>Hoofdstuk</title>
        <item identifier="I1" identifierref="R1"><title>Les</title></item>
      </item>
    </organization>
  </organizations>
  <resources xml:base="course/">
    <resource identifier="R1" type="webcontent" adlcp:scormType="sco" href="start.html"/>
  </resources>
</manifest>"""


def cmi5_xml(*, launch_method: str = "AnyWindow", url: str = "au/index.html?mode=x") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://publisher.example/course/1">
    <title><langstring lang="nl-BE">Brandveiligheid</langstring></title>
    <description><langstring lang="nl-BE">Cursus</langstring></description>
  </course>
  <block id="https://publisher.example/block/1">
    <title><langstring lang="nl-BE">Blok</langstring></title>
    <description><langstring lang="nl-BE">Blok</langstring></description>
    <au id="https://publisher.example/au/1" moveOn="CompletedOrPassed" masteryScore="0.8"
        launchMethod="{launch_method}">
      <title><langstring lang="nl-BE">Module 1</langstring></title>
      <description><langstring lang="nl-BE">Module</langstring></description>
      <url>{url}</url>
      <launchParameters>level=2</launchParameters>
    </au>
  </block>
</courseStructure>"""


TINCAN_XML = """<?xml version="1.0" encoding="utf-8"?>
<tincan xmlns="http://projecttincan.com/tincan.xsd">
  <activities>
    <activity id="https://publisher.example/tincan/quiz/q1" type="http://adlnet.gov/expapi/activities/question">
      <name>Vraag 1</name>
    </activity>
    <activity id="https://publisher.example/tincan/course" type="http://adlnet.gov/expapi/activities/course">
      <name>Hygiëne in de winkel</name>
      <description lang="nl">Cursus</description>
      <launch lang="nl">story.html</launch>
    </activity>
  </activities>
</tincan>"""


def scorm12_zip() -> bytes:
    return make_zip(
        {"imsmanifest.xml": scorm12_manifest(), "index.html": PAGE, "js/app.js": "var x = 1;"}
    )


def scorm2004_zip() -> bytes:
    return make_zip({"imsmanifest.xml": SCORM2004_MANIFEST, "course/start.html": PAGE})


def cmi5_zip(**kwargs: Any) -> bytes:
    return make_zip({"cmi5.xml": cmi5_xml(**kwargs), "au/index.html": PAGE})


def tincan_zip() -> bytes:
    return make_zip({"tincan.xml": TINCAN_XML, "story.html": PAGE})


@pytest.fixture
def write_zip(tmp_path: Path) -> Callable[[bytes], Path]:
    def write(data: bytes) -> Path:
        path = tmp_path / "package.zip"
        path.write_bytes(data)
        return path

    return write


# --- manifests ----------------------------------------------------------------------------


def test_scorm12_uses_the_default_organisation_and_its_first_sco(
    write_zip: Callable[[bytes], Path],
) -> None:
    files: dict[str, str | bytes] = {
        "imsmanifest.xml": scorm12_manifest(first_is_asset=True),
        "index.html": PAGE,
        "intro.html": PAGE,
    }
    info = inspect_package(write_zip(make_zip(files)))
    assert info.standard == Package.Standard.SCORM12
    assert info.title == "Veilig werken"
    # The asset comes first in the organisation, but the SCO is what reports progress.
    assert info.launch_path == "index.html?lang=nl"
    assert info.activity_id == ""
    assert info.manifest["schemaversion"] == "1.2"
    assert info.manifest["default_organization"] == "ORG2"
    assert [o["identifier"] for o in info.manifest["organizations"]] == ["ORG1", "ORG2"]
    assert info.manifest["launch"]["masteryscore"] == "80"
    assert info.manifest["launch"]["datafromlms"] == "start=1"


def test_scorm2004_is_told_apart_by_its_schemaversion_and_follows_xml_base(
    write_zip: Callable[[bytes], Path],
) -> None:
    info = inspect_package(write_zip(scorm2004_zip()))
    assert info.standard == Package.Standard.SCORM2004
    assert info.title == "Klantgesprekken"
    assert info.launch_path == "course/start.html"
    items = info.manifest["organizations"][0]["items"]
    assert [(i["identifier"], i["level"]) for i in items] == [("CH", 0), ("I1", 1)]


def test_cmi5_takes_the_first_au_even_inside_a_block(write_zip: Callable[[bytes], Path]) -> None:
    info = inspect_package(write_zip(cmi5_zip()))
    assert info.standard == Package.Standard.CMI5
    assert info.title == "Brandveiligheid"
    assert info.activity_id == "https://publisher.example/au/1"
    assert info.launch_path == "au/index.html?mode=x"
    au = info.manifest["au"]
    assert au["moveOn"] == "CompletedOrPassed"
    assert au["masteryScore"] == 0.8
    assert au["launchMethod"] == "AnyWindow"
    assert au["launchParameters"] == "level=2"
    assert info.manifest["course"]["id"] == "https://publisher.example/course/1"


def test_cmi5_au_may_live_elsewhere(write_zip: Callable[[bytes], Path]) -> None:
    data = make_zip({"cmi5.xml": cmi5_xml(url="https://au.example/start.html")})
    assert inspect_package(write_zip(data)).launch_path == "https://au.example/start.html"


def test_tincan_takes_the_activity_with_a_launch_page(write_zip: Callable[[bytes], Path]) -> None:
    info = inspect_package(write_zip(tincan_zip()))
    assert info.standard == Package.Standard.XAPI
    assert info.activity_id == "https://publisher.example/tincan/course"
    assert info.title == "Hygiëne in de winkel"
    assert info.launch_path == "story.html"


def test_a_package_zipped_with_its_folder_is_found_inside_it(
    write_zip: Callable[[bytes], Path],
) -> None:
    data = make_zip({"course/imsmanifest.xml": scorm12_manifest(), "course/index.html": PAGE})
    assert inspect_package(write_zip(data)).launch_path == "course/index.html?lang=nl"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"index.html": PAGE}, "has no imsmanifest.xml .SCORM., cmi5.xml .cmi5. or tincan.xml"),
        ({"imsmanifest.xml": "<manifest><resources/></manifest>"}, "names no page to start"),
        ({"cmi5.xml": "<courseStructure><course/></courseStructure>"}, "names no page to start"),
        ({"tincan.xml": "<tincan><activities/></tincan>"}, "names no page to start"),
        ({"imsmanifest.xml": scorm12_manifest()}, "but the ZIP file has no such file"),
        ({"imsmanifest.xml": "<manifest><unclosed></manifest>"}, "is not valid XML"),
        (
            {"cmi5.xml": cmi5_xml(url="../../etc/passwd")},
            "which is not a path inside the package",
        ),
        (
            {"cmi5.xml": cmi5_xml().replace("https://publisher.example/au/1", "au1")},
            "the id of the first AU .* is not an IRI",
        ),
    ],
)
def test_unusable_packages_say_why(
    write_zip: Callable[[bytes], Path], files: dict[str, str | bytes], message: str
) -> None:
    with pytest.raises(PackageError, match=message):
        inspect_package(write_zip(make_zip(files)))


def test_not_a_zip(write_zip: Callable[[bytes], Path]) -> None:
    with pytest.raises(PackageError, match="not a ZIP archive"):
        inspect_package(write_zip(b"%PDF-1.4 not a zip"))


def test_xml_with_entities_is_refused(write_zip: Callable[[bytes], Path]) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE manifest [<!ENTITY a "lol">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><manifest>&b;</manifest>'
    )
    with pytest.raises(PackageError, match="declares a DTD or entities"):
        inspect_package(write_zip(make_zip({"imsmanifest.xml": laughs, "index.html": PAGE})))


# --- unpacking ----------------------------------------------------------------------------


def test_unpack_writes_the_files_and_replaces_the_previous_version(
    write_zip: Callable[[bytes], Path], tmp_path: Path
) -> None:
    dest = tmp_path / "packages" / "7"
    dest.mkdir(parents=True)
    (dest / "stale.html").write_text("old")
    count = unpack_package(write_zip(scorm12_zip()), dest)
    assert count == 3
    assert (dest / "index.html").read_bytes() == PAGE
    assert (dest / "js" / "app.js").read_text() == "var x = 1;"
    assert not (dest / "stale.html").exists()
    assert sorted(p.name for p in dest.parent.iterdir()) == ["7"]  # no staging left


@pytest.mark.parametrize(
    "name", ["../evil.html", "a/../../evil.html", "/etc/evil.html", "C:/evil.html", "..\\evil.html"]
)
def test_zip_slip_is_refused_and_nothing_is_written(
    write_zip: Callable[[bytes], Path], tmp_path: Path, name: str
) -> None:
    dest = tmp_path / "packages" / "7"
    dest.mkdir(parents=True)
    (dest / "index.html").write_text("previous version")
    with pytest.raises(PackageError, match="unsafe path"):
        unpack_package(
            write_zip(make_zip({"index.html": PAGE, name: "<script>evil</script>"})), dest
        )
    assert (dest / "index.html").read_text() == "previous version"
    assert not (tmp_path / "evil.html").exists()
    assert not (tmp_path / "packages" / "evil.html").exists()
    assert sorted(p.name for p in dest.parent.iterdir()) == ["7"]


def test_links_are_refused(write_zip: Callable[[bytes], Path], tmp_path: Path) -> None:
    data = make_zip({"index.html": PAGE}, links={"secrets": "/etc/passwd"})
    with pytest.raises(PackageError, match="contains a link"):
        unpack_package(write_zip(data), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_unpacking_stops_at_the_size_limit(
    write_zip: Callable[[bytes], Path], tmp_path: Path, settings: Any
) -> None:
    settings.LEERPAD_PACKAGE_MAX_UNPACKED_BYTES = 10_000
    # Compresses to almost nothing: the classic ZIP bomb shape.
    data = make_zip({"index.html": PAGE, "big.bin": b"\0" * 50_000})
    with pytest.raises(PackageError, match="would be larger than"):
        unpack_package(write_zip(data), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_unpacking_stops_at_the_file_count_limit(
    write_zip: Callable[[bytes], Path], tmp_path: Path, settings: Any
) -> None:
    settings.LEERPAD_PACKAGE_MAX_FILES = 5
    data = make_zip({f"f{i}.txt": "x" for i in range(6)})
    with pytest.raises(PackageError, match="has 6 files; Leerpad unpacks at most 5"):
        unpack_package(write_zip(data), tmp_path / "out")


# --- uploading a package ------------------------------------------------------------------


def package_item(**fields: Any) -> ContentItem:
    fields.setdefault("kind", Kind.PACKAGE)
    fields.setdefault("status", Status.PUBLISHED)
    fields.setdefault("language", "nl")
    return ContentItem.objects.create(**fields)


def upload(
    item: ContentItem,
    data: bytes,
    person: Person,
    capture: Any,
    name: str = "course.zip",
) -> ContentItem:
    with capture(execute=True):
        upload_file(item, SimpleUploadedFile(name, data), person)
    item.refresh_from_db()
    return item


@pytest.mark.django_db
def test_uploading_a_zip_unpacks_it_and_describes_the_package(
    dirk: Person, django_capture_on_commit_callbacks: Any
) -> None:
    item = upload(package_item(), scorm12_zip(), dirk, django_capture_on_commit_callbacks)
    assert item.extraction == Extraction.DONE, item.extraction_error
    package = Package.objects.get(item=item)
    assert package.standard == Package.Standard.SCORM12
    assert package.folder == f"packages/{item.pk}"
    assert package.launch_path == "index.html?lang=nl"
    unpacked = Path(settings.MEDIA_ROOT) / package.folder
    assert (unpacked / "index.html").read_bytes() == PAGE
    # No translation yet: the package's own title names the item.
    assert ItemTranslation.objects.get(item=item).title == "Veilig werken"


@pytest.mark.django_db
def test_a_broken_package_fails_with_the_reason_and_keeps_the_previous_one(
    dirk: Person, django_capture_on_commit_callbacks: Any
) -> None:
    item = upload(package_item(), scorm12_zip(), dirk, django_capture_on_commit_callbacks)
    item = upload(
        item, make_zip({"readme.txt": "x"}), dirk, django_capture_on_commit_callbacks, "v2.zip"
    )
    assert item.extraction == Extraction.FAILED
    assert "has no imsmanifest.xml" in item.extraction_error
    package = Package.objects.get(item=item)
    assert package.standard == Package.Standard.SCORM12
    assert (Path(settings.MEDIA_ROOT) / package.folder / "index.html").exists()


@pytest.mark.django_db
def test_a_package_item_takes_only_zip_files(dirk: Person) -> None:
    from leerpad.catalog.services_files import UploadError

    with pytest.raises(UploadError, match=r"Accepted: \.zip"):
        upload_file(package_item(), SimpleUploadedFile("course.pdf", b"%PDF"), dirk)
