"""Our multilingual mail set parses exactly: subject, sender's name, text and file names
in Japanese, Chinese, Korean, Ukrainian, Belarusian, Russian, German, Greek, Polish and
Armenian, in every legacy charset, declared, undeclared, misdeclared, and in UTF-16/32
(issue 12, R4, R6). The mails are written by data/charsets/make.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailgateway.parse import parse

DATA = Path(__file__).resolve().parent / "data" / "charsets"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_mail_of_the_multilingual_set_reads_exactly(name):
    """Issue 12 (R4): headers, text and file names decoded exactly, whatever the label."""
    mail = parse((DATA / name).read_bytes())
    expected = EXPECTED[name]
    assert mail.subject == expected["subject"]
    assert (mail.from_name, mail.from_email) == (expected["from_name"], expected["from_email"])
    assert mail.text == expected["text"]
    assert [a.filename for a in mail.attachments] == expected["attachments"]
    assert mail.date is not None


def test_the_set_covers_each_language_and_way_of_labelling():
    """Issue 12: the set is not allowed to shrink unnoticed."""
    kinds = {name.split("-", 1)[0] for name in EXPECTED}
    assert kinds == {"declared", "undeclared", "misdeclared", "raw", "wide"}
    assert len(EXPECTED) >= 50


def test_chinese_never_comes_out_as_korean_nor_korean_as_chinese():
    """Issue 12: GBK text guessed by its language, not by byte statistics alone."""
    chinese = parse((DATA / "undeclared-zh-hans-gbk.eml").read_bytes())
    korean = parse((DATA / "undeclared-ko-euc_kr.eml").read_bytes())
    assert not any("\uac00" <= ch <= "\ud7a3" for ch in chinese.text)
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in korean.text)


def test_microsofts_extension_of_iso_2022_jp_is_read():
    """Issue 12: circled numbers (NEC row 13) inside ISO-2022-JP come out, not as escapes."""
    mail = parse((DATA / "raw-iso-2022-jp-headers.eml").read_bytes())
    assert mail.text.endswith("①")
    assert "\x1b" not in mail.subject + mail.from_name + mail.text


HOSTILE_BYTES = [
    b"\x1b$B",  # an escape and nothing after it
    b"\x1b$B\x24\x22\x24",  # a JIS character cut in half
    b"\x1b$B\x00\x01\x7f\x80\x1b(B",  # bytes no JIS table has, one 8-bit
    b"\x1b(I\x31\x32\x1b(B\x1b$(D\x30\x21",  # half-width katakana, JIS X 0212
    b"\xff\xfe\x00",  # a UTF-16 mark and an odd byte
    b"\x00\x00\xfe\xff\x00\x00\x00",  # a UTF-32 mark, truncated
    bytes(range(256)),
    bytes(range(255, -1, -1)) * 20,
    b"\x82\xa0" * 3000 + b"\xff",  # long Shift_JIS with a broken end
]


@pytest.mark.parametrize("data", HOSTILE_BYTES)
@pytest.mark.parametrize("label", ["", "iso-2022-jp", "utf-16", "shift_jis", "gb2312", "koi8-r"])
def test_hostile_bytes_in_any_charset_decode_without_failing(data, label):
    """Issue 12, MAIL.md rule 6: replacement characters, never an exception."""
    charset = f"; charset={label}" if label else ""
    head = b"From: a@example.com\r\nSubject: " + data.replace(b"\r", b"").replace(b"\n", b"")
    head += f"\r\nContent-Type: text/plain{charset}\r\n\r\n".encode()
    mail = parse(head + data)
    assert isinstance(mail.text, str) and isinstance(mail.subject, str)
