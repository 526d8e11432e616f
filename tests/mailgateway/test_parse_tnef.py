"""Outlook's winmail.dat is kept, and the files inside it become attachments too (R13;
issue 5). The TNEF streams and their file lists are MimeKit's."""

from __future__ import annotations

import pytest

from mailgateway.parse import parse
from tests.mailgateway.corpus import CORPUS, needs_corpus, read
from tests.mailgateway.mails import with_attachments

# MimeKit lists the TNEF message body as a file (body.rtf, body.html); for us it is not
# an attachment: the body stays inside the winmail.dat, which is always kept.
BODY_FILES = {"body.rtf", "body.html"}


def tnef_cases() -> list[str]:
    if CORPUS is None:
        return []
    folder = CORPUS / "mimekit" / "tnef"
    return sorted(p.stem for p in folder.glob("*.tnef") if p.with_suffix(".list").exists())


def winmail_mail(stream: bytes) -> bytes:
    return with_attachments(files=[("winmail.dat", "application/ms-tnef", stream)])


@needs_corpus
@pytest.mark.parametrize("name", tnef_cases())
def test_the_files_inside_winmail_dat_are_attachments(name):
    stream = read(f"mimekit/tnef/{name}.tnef")
    listed = read(f"mimekit/tnef/{name}.list").decode().split("\n")
    expected = {line for line in listed if line and line not in BODY_FILES}
    mail = parse(winmail_mail(stream))
    assert (mail.attachments[0].filename, mail.attachments[0].content) == ("winmail.dat", stream)
    names = {a.filename for a in mail.attachments[1:]}
    assert expected <= names


def test_the_extracted_files_keep_their_bytes():
    if CORPUS is None:
        pytest.skip("the shared mail corpus is not here")
    mail = parse(winmail_mail(read("mimekit/tnef/two-files.tnef")))
    authors = next(a for a in mail.attachments if a.filename == "AUTHORS")
    assert authors.content == read("mimekit/tnef/two-files/AUTHORS")


def test_a_broken_winmail_dat_is_kept_and_noted():
    mail = parse(winmail_mail(b"not a tnef stream at all"))
    assert [a.filename for a in mail.attachments] == ["winmail.dat"]
    assert any("winmail.dat could not be opened" in d for d in mail.defects)
