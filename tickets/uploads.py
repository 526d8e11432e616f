"""Checking files that people upload on the web or through the API (R13), and naming files.

The kind of a file is read from its bytes with python-magic, never from its name or
from what the browser claims; images must also open in Pillow. Mail attachments are not
checked here: the gateway keeps every attachment of a mail, whatever its type, but their
kind is judged from the bytes too (`judge_content_type`).

Names (issue 14): a file is stored under a random name whose extension follows the judged
kind (`storage_extension`), never the sender's; the sender's name is kept, sanitised
(`clean_filename`), to show, and is downloaded with an extension that agrees with the
kind (`download_name`).
"""

from __future__ import annotations

import hashlib
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

TEXT_TYPE = "text/plain"

# Names used in ATTACHMENT_ALLOWED_TYPES and the content types python-magic reports.
KNOWN_TYPES: dict[str, frozenset[str]] = {
    "png": frozenset({"image/png"}),
    "gif": frozenset({"image/gif"}),
    "jpg": frozenset({"image/jpeg"}),
    "jpeg": frozenset({"image/jpeg"}),
    "webp": frozenset({"image/webp"}),
    "pdf": frozenset({"application/pdf"}),
    "txt": frozenset({TEXT_TYPE}),
    "log": frozenset({TEXT_TYPE}),
    "csv": frozenset({"text/csv", TEXT_TYPE}),
    "zip": frozenset({"application/zip"}),
}
IMAGE_TYPES = frozenset({"image/png", "image/gif", "image/jpeg", "image/webp"})
# Text that a browser would run or render: never accepted as "plain text".
ACTIVE_TEXT_TYPES = frozenset(
    {"text/html", "text/xml", "application/xml", "image/svg+xml", "text/javascript"}
)
OCTET_STREAM = "application/octet-stream"
# The extension a stored file gets from its judged kind; any other kind is stored as .bin.
STORAGE_EXTENSIONS: dict[str, str] = {
    "image/png": ".png",
    "image/gif": ".gif",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    TEXT_TYPE: ".txt",
    "text/csv": ".csv",
    "application/zip": ".zip",
    "message/rfc822": ".eml",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
}
# Other names a file of a kind may carry without being renamed on download.
EXTENSION_ALIASES: dict[str, frozenset[str]] = {
    "image/jpeg": frozenset({".jpeg", ".jpe", ".jfif"}),
    TEXT_TYPE: frozenset(
        {".log", ".text", ".csv", ".tsv", ".json", ".yaml", ".yml", ".conf", ".cfg", ".ini"}
        | {".md", ".diff", ".patch", ".sql", ".out", ".err"}
    ),
    "text/csv": frozenset({".txt"}),
    # Office documents are zip files; older libmagic calls them so.
    "application/zip": frozenset({".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".epub"}),
}
# Extensions that a browser, a web server or an operating system would run or render as
# active content: a file carrying one is never downloaded under it as it is.
ACTIVE_EXTENSIONS = frozenset(
    {
        ".htm", ".html", ".xhtml", ".shtml", ".mht", ".mhtml", ".svg", ".svgz", ".xml",
        ".xsl", ".xslt", ".js", ".mjs", ".jsp", ".php", ".phtml", ".php3", ".php4", ".php5",
        ".phar", ".asp", ".aspx", ".cgi", ".pl", ".py", ".sh", ".bat", ".cmd", ".com",
        ".exe", ".msi", ".scr", ".pif", ".vbs", ".vbe", ".jse", ".wsf", ".wsh", ".hta",
        ".ps1", ".lnk", ".reg", ".jar", ".swf", ".appcache", ".url",
    }
)  # fmt: skip
MAX_NAME = 255
SNIFF_BYTES = 8192
CHUNK = 64 * 1024


@dataclass(frozen=True)
class NewAttachment:
    """A file ready to be stored with a message: already checked, or from a mail."""

    filename: str
    content_type: str
    size: int
    sha256: str
    content: IO[bytes]
    content_id: str = ""
    # A file held between two submits of a form (tickets.held_uploads): the service that
    # stores it removes the held copy once its transaction commits.
    held_path: str = ""


def allowed_content_types() -> frozenset[str]:
    types: set[str] = set()
    for name in settings.ATTACHMENT_ALLOWED_TYPES:
        name = name.strip().lower()
        types |= KNOWN_TYPES.get(name, {name} if "/" in name else set())
    return frozenset(types)


def clean_filename(name: str, default: str = "attachment") -> str:
    """The file's own name, kept in its language, without a path or control characters.

    Control, format and private-use characters go (bidi overrides such as U+202E, which
    make "gpj.exe" look like "exe.jpg", zero-width characters, NUL, newlines).
    """
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if not name:
        return default
    if len(name) > MAX_NAME:
        suffix = PurePath(name).suffix[:16]
        name = name[: MAX_NAME - len(suffix)] + suffix
    return name


def sniff_content_type(head: bytes) -> str:
    detected = magic.from_buffer(head, mime=True) or OCTET_STREAM
    if detected.startswith("text/") and detected not in ACTIVE_TEXT_TYPES:
        # Logs and configs come out as text/x-c, text/x-shellscript...: it is all text.
        return TEXT_TYPE if detected != "text/csv" else detected
    return detected


def judge_content_type(content: bytes, declared: str) -> str:
    """The kind of a mail attachment, from its bytes; the sender's word only for opaque data.

    A declared kind is kept only when the bytes say nothing (octet-stream) and it is not one
    we would show in the browser or that a browser would run.
    """
    sniffed = sniff_content_type(content[:SNIFF_BYTES])
    declared = (declared or "").strip().lower()
    if sniffed != OCTET_STREAM or not declared:
        return sniffed
    if declared in IMAGE_TYPES or declared == "application/pdf":
        return OCTET_STREAM
    if declared in ACTIVE_TEXT_TYPES or declared.startswith("text/") or "script" in declared:
        return OCTET_STREAM
    return declared


def storage_extension(content_type: str) -> str:
    """The extension of a stored file: from its judged kind, `.bin` for any other kind."""
    return STORAGE_EXTENSIONS.get(content_type, ".bin")


def download_name(filename: str, content_type: str) -> str:
    """The sanitised name, with an extension that agrees with the kind judged from the bytes.

    "scan.jpeg" stays; a PNG called "invoice.pdf.html" downloads as "invoice.pdf.html.png";
    a file of another kind keeps its name unless it ends in an active extension, which
    gets ".bin" after it ("run.bat.bin").
    """
    name = clean_filename(filename)
    suffix = PurePath(name).suffix.lower()
    extension = STORAGE_EXTENSIONS.get(content_type)
    if extension:
        agrees = suffix == extension or suffix in EXTENSION_ALIASES.get(content_type, ())
        wanted = "" if agrees else extension
    else:
        wanted = ".bin" if suffix in ACTIVE_EXTENSIONS or not suffix else ""
    if not wanted:
        return name
    stem, suffix = name[: len(name) - len(suffix)], name[len(name) - len(suffix) :]
    return stem[: MAX_NAME - len(suffix) - len(wanted)] + suffix + wanted


def _digest(stream: IO[bytes]) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return size, digest.hexdigest()


def _check_image(stream: IO[bytes], name: str) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                image.verify()
    except Exception as exc:
        raise ValidationError(
            _("“%(name)s” is not a valid image."), code="bad_image", params={"name": name}
        ) from exc
    finally:
        stream.seek(0)


def check_upload(upload: IO[bytes], name: str) -> NewAttachment:
    """Accepts an allowed, sound file of allowed size, or raises a translated ValidationError."""
    filename = clean_filename(name)
    size, sha256 = _digest(upload)
    if size > settings.ATTACHMENT_MAX_SIZE:
        raise ValidationError(
            _("“%(name)s” is too large (%(size)s); files may be up to %(limit)s."),
            code="too_large",
            params={
                "name": filename,
                "size": filesizeformat(size),
                "limit": filesizeformat(settings.ATTACHMENT_MAX_SIZE),
            },
        )
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty."), code="empty", params={"name": filename})
    content_type = sniff_content_type(upload.read(SNIFF_BYTES))
    upload.seek(0)
    if content_type not in allowed_content_types():
        raise ValidationError(
            _("“%(name)s” is a kind of file we do not accept. Allowed: %(allowed)s."),
            code="type_not_allowed",
            params={"name": filename, "allowed": allowed_kinds_label()},
        )
    if content_type in IMAGE_TYPES:
        _check_image(upload, filename)
    return NewAttachment(
        filename=filename, content_type=content_type, size=size, sha256=sha256, content=upload
    )


def allowed_kinds_label() -> str:
    return ", ".join(name.upper() for name in settings.ATTACHMENT_ALLOWED_TYPES)
