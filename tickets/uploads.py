"""Checking files that people upload on the web or through the API (R13).

The kind of a file is read from its bytes with python-magic, never from its name or
from what the browser claims; images must also open in Pillow. Mail attachments are not
checked here: the gateway keeps every attachment of a mail, whatever its type.
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


def allowed_content_types() -> frozenset[str]:
    types: set[str] = set()
    for name in settings.ATTACHMENT_ALLOWED_TYPES:
        name = name.strip().lower()
        types |= KNOWN_TYPES.get(name, {name} if "/" in name else set())
    return frozenset(types)


def clean_filename(name: str, default: str = "attachment") -> str:
    """The file's own name, kept in its language, without a path or control characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if not name:
        return default
    if len(name) > 255:
        suffix = PurePath(name).suffix[:16]
        name = name[: 255 - len(suffix)] + suffix
    return name


def sniff_content_type(head: bytes) -> str:
    detected = magic.from_buffer(head, mime=True) or "application/octet-stream"
    if detected.startswith("text/") and detected not in ACTIVE_TEXT_TYPES:
        # Logs and configs come out as text/x-c, text/x-shellscript...: it is all text.
        return TEXT_TYPE if detected != "text/csv" else detected
    return detected


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
