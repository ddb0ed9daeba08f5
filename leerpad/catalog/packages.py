"""E-learning packages: what a ZIP file holds (`inspect_package`), and unpacking it safely
(`unpack_package`).

Four standards are recognised by the file at the top of the package (or inside one
folder that wraps everything, as zipping a folder produces):

- cmi5 (`cmi5.xml`): the course title and the first AU (publisher id, url, moveOn,
  masteryScore, launchMethod, launchParameters);
- SCORM 1.2 and SCORM 2004 (`imsmanifest.xml`): organisations, the default one, and
  the first item of it whose resource is a SCO (else the first with a page) as the
  launch path; `schemaversion` tells 1.2 from 2004;
- Tin Can / xAPI (`tincan.xml`): the activity with a launch page.

When a package has several, cmi5 wins over SCORM, and SCORM over Tin Can: cmi5 says the
most about how to launch and report.

Packages come from outside: the XML may carry no DTD or entity declarations (refused
before ElementTree sees it, although Python's expat >= 2.4.1 already resists entity
expansion bombs), and unpacking refuses absolute paths, "..", links, encrypted members,
and stops at a size and file-count limit whatever the ZIP claims.
"""

from __future__ import annotations

import posixpath
import re
import shutil
import stat
import uuid
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.parsers import expat

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from leerpad.catalog.models import Package
from leerpad.lrs.xapi import is_iri

Standard = Package.Standard

# Manifests are small; anything bigger is not a manifest we want to parse.
MAX_MANIFEST_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_UNPACKED_BYTES = 2 * 1024 * 1024 * 1024
DEFAULT_MAX_FILES = 20_000
_COPY_CHUNK = 1024 * 1024

MANIFESTS = (("cmi5.xml", Standard.CMI5), ("imsmanifest.xml", None), ("tincan.xml", Standard.XAPI))


class PackageError(ValueError):
    """A package that cannot be used; the message says why, for the uploader."""


@dataclass(frozen=True)
class PackageInfo:
    standard: str  # a Package.Standard value
    title: str
    # The page to open, relative to the unpacked folder (query string kept), or an
    # absolute http(s) URL when a cmi5 AU lives elsewhere.
    launch_path: str
    # cmi5: the AU's publisher id; Tin Can: the activity id; SCORM: "".
    activity_id: str
    # What Package.manifest keeps: details the launch needs and L&D may want to see.
    manifest: dict[str, Any] = field(default_factory=dict)


def _max_unpacked_bytes() -> int:
    return int(getattr(settings, "LEERPAD_PACKAGE_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES))


def _max_files() -> int:
    return int(getattr(settings, "LEERPAD_PACKAGE_MAX_FILES", DEFAULT_MAX_FILES))


# --- reading the manifest -----------------------------------------------------------------


def _open_zip(zip_path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise PackageError(
            _(
                "This file is not a ZIP archive. E-learning packages (SCORM, cmi5, xAPI) "
                "are uploaded as the .zip file the authoring tool exported."
            )
        ) from exc


def _names(archive: zipfile.ZipFile) -> set[str]:
    return {_clean_name(info.filename) for info in archive.infolist() if not info.is_dir()}


def _find_manifest(names: set[str]) -> tuple[str, str, str | None]:
    """(prefix, manifest file name, standard or None for SCORM) of the package."""
    for prefix in _prefixes(names):
        for filename, standard in MANIFESTS:
            if prefix + filename in names:
                return prefix, filename, standard
    raise PackageError(
        _(
            "The ZIP file has no imsmanifest.xml (SCORM), cmi5.xml (cmi5) or tincan.xml "
            "(xAPI) at its top level, so Leerpad cannot tell how to start the course."
        )
    )


def _prefixes(names: set[str]) -> list[str]:
    """ "" and, when every file sits in one top folder, that folder ("course/")."""
    tops = {name.split("/", 1)[0] + "/" for name in names if "/" in name}
    if len(tops) == 1 and all("/" in name for name in names):
        return ["", tops.pop()]
    return [""]


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    for info in archive.infolist():
        if _clean_name(info.filename) == name:
            with archive.open(info) as member:
                data = member.read(MAX_MANIFEST_BYTES + 1)
            if len(data) > MAX_MANIFEST_BYTES:
                raise PackageError(
                    _("%(file)s is larger than %(max)s; that is not a manifest Leerpad reads.")
                    % {"file": name, "max": filesizeformat(MAX_MANIFEST_BYTES)}
                )
            return data
    raise PackageError(_("The ZIP file has no %(file)s.") % {"file": name})  # pragma: no cover


def parse_xml(data: bytes, filename: str) -> ET.Element:
    """Parse untrusted XML: a document with a DOCTYPE or entity declarations is refused."""

    def refuse(*_args: Any) -> None:
        raise PackageError(
            _("%(file)s declares a DTD or entities, which Leerpad does not accept for safety.")
            % {"file": filename}
        )

    guard = expat.ParserCreate()
    guard.StartDoctypeDeclHandler = refuse
    guard.EntityDeclHandler = refuse
    guard.UnparsedEntityDeclHandler = refuse
    guard.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    try:
        guard.Parse(data, True)
        return ET.fromstring(data)  # noqa: S314 - declarations were refused above
    except (expat.ExpatError, ET.ParseError) as exc:
        raise PackageError(
            _("%(file)s is not valid XML: %(error)s") % {"file": filename, "error": exc}
        ) from exc


def _local(tag: str) -> str:
    """An element or attribute name without its namespace, lower case."""
    return tag.rsplit("}", 1)[-1].lower()


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    """Child elements by local name, any namespace, any case."""
    return [child for child in element if _local(child.tag) == name.lower()]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _attr(element: ET.Element, name: str, default: str = "") -> str:
    """An attribute by local name, any namespace, any case (adlcp:scormtype/scormType)."""
    for key, value in element.attrib.items():
        if _local(key) == name.lower():
            return value.strip()
    return default


def _text(element: ET.Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _langstrings(element: ET.Element | None) -> dict[str, str]:
    """cmi5 <title>/<description>: {lang: text}."""
    if element is None:
        return {}
    strings = {
        _attr(item, "lang") or "und": _text(item) for item in _children(element, "langstring")
    }
    return {lang: text for lang, text in strings.items() if text}


def _first_text(strings: dict[str, str]) -> str:
    return next(iter(strings.values()), "")


def _relative_launch(path: str, manifest: str, names: set[str], prefix: str) -> str:
    """A launch path inside the package, checked: relative, no "..", and the file exists."""
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or path.startswith(("/", "\\")):
        raise PackageError(
            _("%(file)s starts the course at “%(path)s”, which is not a path inside the package.")
            % {"file": manifest, "path": path}
        )
    page = posixpath.normpath(parts.path.replace("\\", "/")) if parts.path else ""
    if not page or page == "." or page.startswith("../") or page == "..":
        raise PackageError(
            _("%(file)s starts the course at “%(path)s”, which is not a path inside the package.")
            % {"file": manifest, "path": path}
        )
    full = prefix + page
    if full not in names:
        raise PackageError(
            _("%(file)s says the course starts at “%(path)s”, but the ZIP file has no such file.")
            % {"file": manifest, "path": page}
        )
    rest = path[len(parts.path) :] if path.startswith(parts.path) else ""
    return full + rest


def inspect_package(zip_path: Path) -> PackageInfo:
    """What the package at `zip_path` is and how to start it; raises PackageError."""
    with _open_zip(zip_path) as archive:
        names = _names(archive)
        prefix, filename, standard = _find_manifest(names)
        root = parse_xml(_read_member(archive, prefix + filename), filename)
    if standard == Standard.CMI5:
        return _inspect_cmi5(root, filename, names, prefix)
    if standard == Standard.XAPI:
        return _inspect_tincan(root, filename, names, prefix)
    return _inspect_scorm(root, filename, names, prefix)


def _launchable(filename: str) -> PackageError:
    return PackageError(
        _("%(file)s names no page to start the course with, so there is nothing to launch.")
        % {"file": filename}
    )


# SCORM ---


def _schemaversion(root: ET.Element) -> str:
    metadata = _child(root, "metadata")
    return _text(_child(metadata, "schemaversion")) if metadata is not None else ""


def _scorm_version(root: ET.Element) -> str:
    version = _schemaversion(root)
    if version:
        return Standard.SCORM12 if version.startswith("1.2") else Standard.SCORM2004
    # No schemaversion: the namespaces tell (adlcp_v1p3 is SCORM 2004's).
    markup = ET.tostring(root, encoding="unicode")
    return Standard.SCORM2004 if "adlcp_v1p3" in markup else Standard.SCORM12


def _join_base(*parts: str) -> str:
    """xml:base values and an href, joined as the SCORM content packaging spec says."""
    path = ""
    for part in parts:
        if not part:
            continue
        path = part if (urlsplit(part).scheme or part.startswith("/")) else path + part
    return path


def _with_parameters(href: str, parameters: str) -> str:
    """An item's `parameters` added to its resource href (SCORM CAM 3.4.1.12)."""
    parameters = parameters.strip()
    if not parameters:
        return href
    parameters = parameters.lstrip("?&") if not parameters.startswith("#") else parameters
    if parameters.startswith("#"):
        return href if "#" in href else href + parameters
    return href + ("&" if "?" in href else "?") + parameters


def _scorm_items(parent: ET.Element, level: int, into: list[dict[str, Any]]) -> None:
    """The items of an organisation, depth first (the order a learner meets them)."""
    for item in _children(parent, "item"):
        into.append(
            {
                "identifier": _attr(item, "identifier"),
                "title": _text(_child(item, "title")),
                "level": level,
                "resource": _attr(item, "identifierref"),
                "parameters": _attr(item, "parameters"),
                # SCORM 1.2 calls them datafromlms/masteryscore, 2004 dataFromLMS.
                "datafromlms": _text(_child(item, "datafromlms")),
                "masteryscore": _text(_child(item, "masteryscore")),
            }
        )
        _scorm_items(item, level + 1, into)


def _inspect_scorm(root: ET.Element, filename: str, names: set[str], prefix: str) -> PackageInfo:
    standard = _scorm_version(root)
    xml_base = "{http://www.w3.org/XML/1998/namespace}base"
    resources_element = _child(root, "resources")
    resources: dict[str, dict[str, str]] = {}
    if resources_element is not None:
        base = resources_element.get(xml_base, "")
        for resource in _children(resources_element, "resource"):
            href = _attr(resource, "href")
            resources[_attr(resource, "identifier")] = {
                "href": _join_base(base, resource.get(xml_base, ""), href) if href else "",
                "scormtype": _attr(resource, "scormtype").lower(),
            }

    organizations_element = _child(root, "organizations")
    organizations: list[dict[str, Any]] = []
    default = ""
    if organizations_element is not None:
        default = _attr(organizations_element, "default")
        for org in _children(organizations_element, "organization"):
            items: list[dict[str, Any]] = []
            _scorm_items(org, 0, items)
            organizations.append(
                {
                    "identifier": _attr(org, "identifier"),
                    "title": _text(_child(org, "title")),
                    "items": items,
                }
            )
    chosen = next((o for o in organizations if o["identifier"] == default), None)
    chosen = chosen or (organizations[0] if organizations else None)

    launch_item: dict[str, Any] | None = None
    if chosen is not None:
        with_page = [i for i in chosen["items"] if resources.get(i["resource"], {}).get("href")]
        scos = [i for i in with_page if resources[i["resource"]]["scormtype"] == "sco"]
        launch_item = (scos or with_page or [None])[0]
    if launch_item is not None:
        resource_id = launch_item["resource"]
        href = _with_parameters(resources[resource_id]["href"], launch_item["parameters"])
    else:
        # No organisation points at a page: the first SCO resource, as a last resort.
        resource_id = next(
            (rid for rid, r in resources.items() if r["href"] and r["scormtype"] == "sco"), ""
        )
        if not resource_id:
            raise _launchable(filename)
        href = resources[resource_id]["href"]
    launch_path = _relative_launch(href, filename, names, prefix)
    title = (chosen or {}).get("title") or (launch_item or {}).get("title") or ""
    return PackageInfo(
        standard=standard,
        title=title,
        launch_path=launch_path,
        activity_id="",
        manifest={
            "file": prefix + filename,
            "schemaversion": _schemaversion(root),
            "default_organization": (chosen or {}).get("identifier", ""),
            "organizations": organizations,
            "launch": {
                "item": (launch_item or {}).get("identifier", ""),
                "resource": resource_id,
                "datafromlms": (launch_item or {}).get("datafromlms", ""),
                "masteryscore": (launch_item or {}).get("masteryscore", ""),
            },
        },
    )


# cmi5 ---

MOVE_ON_VALUES = ("Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable")


def _inspect_cmi5(root: ET.Element, filename: str, names: set[str], prefix: str) -> PackageInfo:
    course = _child(root, "course")
    course_title = _langstrings(_child(course, "title")) if course is not None else {}
    aus = [element for element in root.iter() if _local(element.tag) == "au"]
    if not aus:
        raise _launchable(filename)
    au = aus[0]
    url = _text(_child(au, "url"))
    publisher_id = _attr(au, "id")
    if not url:
        raise _launchable(filename)
    if not is_iri(publisher_id):
        raise PackageError(
            _("%(file)s: the id of the first AU (“%(id)s”) is not an IRI such as https://…")
            % {"file": filename, "id": publisher_id}
        )
    scheme = urlsplit(url).scheme.lower()
    if scheme in {"http", "https"}:
        launch_path = url  # an AU hosted elsewhere (cmi5 13.1.4 allows it)
    else:
        launch_path = _relative_launch(url, filename, names, prefix)
    move_on = _attr(au, "moveOn") or "NotApplicable"
    if move_on not in MOVE_ON_VALUES:
        raise PackageError(
            _("%(file)s: moveOn “%(value)s” is not one of %(allowed)s.")
            % {"file": filename, "value": move_on, "allowed": ", ".join(MOVE_ON_VALUES)}
        )
    mastery = _attr(au, "masteryScore")
    mastery_score: float | None = None
    if mastery:
        try:
            mastery_score = float(mastery)
        except ValueError:
            mastery_score = None
        if mastery_score is None or not 0 <= mastery_score <= 1:
            raise PackageError(
                _("%(file)s: masteryScore “%(value)s” is not a number from 0 to 1.")
                % {"file": filename, "value": mastery}
            )
    au_title = _langstrings(_child(au, "title"))
    entitlement = _text(_child(au, "entitlementKey"))
    return PackageInfo(
        standard=Standard.CMI5,
        title=_first_text(course_title) or _first_text(au_title),
        launch_path=launch_path,
        activity_id=publisher_id,
        manifest={
            "file": prefix + filename,
            "course": {
                "id": _attr(course, "id") if course is not None else "",
                "title": course_title,
            },
            "au": {
                "id": publisher_id,
                "title": au_title,
                "url": url,
                "moveOn": move_on,
                "masteryScore": mastery_score,
                "launchMethod": _attr(au, "launchMethod") or "AnyWindow",
                "launchParameters": _text(_child(au, "launchParameters")),
                "entitlementKey": entitlement,
                "activityType": _attr(au, "activityType"),
            },
            "au_count": len(aus),
        },
    )


# Tin Can ---


def _inspect_tincan(root: ET.Element, filename: str, names: set[str], prefix: str) -> PackageInfo:
    activities = [element for element in root.iter() if _local(element.tag) == "activity"]
    with_launch = [a for a in activities if _text(_child(a, "launch"))]
    if not with_launch:
        raise _launchable(filename)
    activity = with_launch[0]
    activity_id = _attr(activity, "id")
    if not is_iri(activity_id):
        raise PackageError(
            _(
                "%(file)s: the id of the activity to launch (“%(id)s”) is not an IRI such as https://…"
            )
            % {"file": filename, "id": activity_id}
        )
    launch = _text(_child(activity, "launch"))
    return PackageInfo(
        standard=Standard.XAPI,
        title=_text(_child(activity, "name")),
        launch_path=_relative_launch(launch, filename, names, prefix),
        activity_id=activity_id,
        manifest={
            "file": prefix + filename,
            "activity": {
                "id": activity_id,
                "type": _attr(activity, "type"),
                "name": _text(_child(activity, "name")),
                "description": _text(_child(activity, "description")),
                "launch": launch,
            },
            "activity_count": len(activities),
        },
    )


# --- unpacking ----------------------------------------------------------------------------

_DRIVE = re.compile(r"^[A-Za-z]:")


def _clean_name(name: str) -> str:
    # Zips made on Windows sometimes separate folders with backslashes.
    return name.replace("\\", "/")


def _safe_member_path(name: str) -> str:
    """The member's path relative to the package folder, or PackageError (zip slip)."""
    clean = _clean_name(name)
    parts = [part for part in clean.split("/") if part not in ("", ".")]
    if (
        "\x00" in clean
        or clean.startswith("/")
        or _DRIVE.match(clean)
        or any(part == ".." for part in parts)
        or not parts
    ):
        raise PackageError(
            _("The ZIP file contains an unsafe path: “%(path)s”.") % {"path": name[:200]}
        )
    return "/".join(parts)


def _is_link(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return stat.S_ISLNK(mode)


def unpack_package(zip_path: Path, dest_dir: Path) -> int:
    """Unpack the package into `dest_dir`, replacing what was there; returns the number of
    files. Nothing changes in `dest_dir` unless the whole package unpacks."""
    max_bytes, max_files = _max_unpacked_bytes(), _max_files()
    too_big = PackageError(
        _("Unpacked, this package would be larger than %(max)s.")
        % {"max": filesizeformat(max_bytes)}
    )
    dest_dir = Path(dest_dir)
    dest_dir.parent.mkdir(parents=True, exist_ok=True)
    # Unpacked next to the destination and swapped in at the end: a broken upload leaves
    # the previous version of the package playable.
    staging = dest_dir.parent / f".{dest_dir.name}.{uuid.uuid4().hex}.new"
    staging.mkdir()
    try:
        with _open_zip(zip_path) as archive:
            members = archive.infolist()
            files = [m for m in members if not m.is_dir()]
            if len(files) > max_files:
                raise PackageError(
                    _("The package has %(count)d files; Leerpad unpacks at most %(max)d.")
                    % {"count": len(files), "max": max_files}
                )
            # The sizes a ZIP declares can lie; they are checked again while copying.
            if sum(m.file_size for m in files) > max_bytes:
                raise too_big
            written = 0
            root = staging.resolve()
            for member in members:
                relative = _safe_member_path(member.filename)
                if _is_link(member):
                    raise PackageError(
                        _("The ZIP file contains a link (“%(path)s”); packages may not.")
                        % {"path": relative}
                    )
                if member.flag_bits & 0x1:
                    raise PackageError(
                        _("The ZIP file is password-protected; export the package without one.")
                    )
                target = staging / relative
                if not target.resolve().is_relative_to(root):
                    raise PackageError(
                        _("The ZIP file contains an unsafe path: “%(path)s”.") % {"path": relative}
                    )
                if member.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as source, target.open("wb") as out:
                    while chunk := source.read(_COPY_CHUNK):
                        written += len(chunk)
                        if written > max_bytes:
                            raise too_big
                        out.write(chunk)
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, NotImplementedError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise PackageError(
            _("The ZIP file is damaged or uses a compression Leerpad cannot read.")
        ) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = dest_dir.parent / f".{dest_dir.name}.{uuid.uuid4().hex}.old"
    if dest_dir.exists():
        dest_dir.rename(old)
    staging.rename(dest_dir)
    shutil.rmtree(old, ignore_errors=True)
    return len(files)
