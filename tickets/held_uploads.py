"""Files kept between two submits of a form, so that nobody attaches them twice.

When a form with attachments comes back (a missing field, the writing hints with "Send
anyway"), the browser cannot refill its file input. The files that passed the checks
are kept in storage under a random name; the page carries a signed token per file,
valid for its uploader and for HOLD_SECONDS. On the next submit they are checked again
and attached; abandoned ones are removed the next time the same person holds files.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import timedelta

from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.models import User
from tickets.uploads import NewAttachment, check_upload

FOLDER = "held-uploads"
HOLD_SECONDS = 24 * 3600
SALT = "tickets.held-upload"


@dataclass(frozen=True)
class HeldUpload:
    token: str
    filename: str
    size: int
    path: str


def _folder(user: User) -> str:
    return f"{FOLDER}/{user.pk}"


def hold(user: User, upload: NewAttachment) -> HeldUpload:
    _remove_stale(user)
    upload.content.seek(0)
    path = default_storage.save(f"{_folder(user)}/{uuid.uuid4().hex}", File(upload.content))
    token = signing.dumps(
        {"u": user.pk, "p": path, "f": upload.filename, "s": upload.size}, salt=SALT
    )
    return HeldUpload(token=token, filename=upload.filename, size=upload.size, path=path)


def read(user: User, token: str) -> HeldUpload | None:
    """The held file a token names, if it is this user's, fresh and still there."""
    try:
        data = signing.loads(token, salt=SALT, max_age=HOLD_SECONDS)
    except signing.BadSignature:
        return None
    if data.get("u") != user.pk or not str(data.get("p", "")).startswith(f"{_folder(user)}/"):
        return None
    if not default_storage.exists(data["p"]):
        return None
    return HeldUpload(token=token, filename=data["f"], size=data["s"], path=data["p"])


def take(held: HeldUpload) -> NewAttachment:
    """The held file as an attachment, checked again. The service that stores it calls
    `release` once its change commits; a change refused keeps the file held.

    Raises django.core.exceptions.ValidationError when the settings changed meanwhile.
    """
    attachment = check_upload(default_storage.open(held.path, "rb"), held.filename)
    return replace(attachment, held_path=held.path)


def release(path: str) -> None:
    """Removes a held file that is now stored with its message."""
    default_storage.delete(path)


def _remove_stale(user: User) -> None:
    folder = _folder(user)
    try:
        _dirs, names = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    cutoff = timezone.now() - timedelta(seconds=HOLD_SECONDS)
    for name in names:
        path = f"{folder}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue
