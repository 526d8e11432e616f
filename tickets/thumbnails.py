"""Small previews of image attachments (R13), made on first request and kept in storage.

Only images get one; a file that Pillow cannot read safely (broken, a decompression
bomb from a mail) gets none. The name follows the file's checksum, so a thumbnail is
made once per distinct image.
"""

from __future__ import annotations

import io
import warnings

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

from tickets.models import Attachment

FOLDER = "thumbnails"
# Twice the size shown on the page (96 x 72 CSS pixels), for sharp previews on phones.
BOX = (240, 180)
QUALITY = 82


class NoThumbnail(Exception):
    """The attachment is not an image we can preview."""


def thumbnail_path(attachment: Attachment) -> str:
    return f"{FOLDER}/{attachment.sha256[:2]}/{attachment.sha256}-{BOX[0]}x{BOX[1]}.jpg"


def _render(attachment: Attachment) -> bytes:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with attachment.file.open("rb") as stream, Image.open(stream) as image:
                image.seek(0)  # the first frame of an animation
                picture = ImageOps.exif_transpose(image)
                picture.thumbnail(BOX)
                if picture.mode not in ("RGB", "L"):
                    background = Image.new("RGB", picture.size, "white")
                    rgba = picture.convert("RGBA")
                    background.paste(rgba, mask=rgba.getchannel("A"))
                    picture = background
                out = io.BytesIO()
                picture.convert("RGB").save(out, "JPEG", quality=QUALITY, optimize=True)
                return out.getvalue()
    except Exception as error:
        raise NoThumbnail(str(error)) from error


def thumbnail_for(attachment: Attachment) -> str:
    """The storage name of the attachment's thumbnail, made now if it does not exist yet."""
    if not attachment.is_image:
        raise NoThumbnail("not an image")
    path = thumbnail_path(attachment)
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(_render(attachment)))
    return path
