"""Legacy charsets, encoded words and raw 8-bit headers decode exactly (R4; issue 5).

The mails are composed here with the standard library (or byte by byte, for the broken
ones), so every expected text is exact.
"""

from __future__ import annotations

import base64
from email.header import Header
from email.mime.text import MIMEText

import pytest

from mailgateway.parse import parse
from tests.mailgateway.mails import raw

RUSSIAN = "Здравствуйте! Сервер не отвечает с утра, ошибка 502."
SUBJECT = "Сервер не отвечает"
ARMENIAN = "Բարեւ ձեզ, սերվերը չի պատասխանում։"


def composed(body: str, charset: str, *, subject: str = SUBJECT, name: str = "Иван Петров"):
    message = MIMEText(body, "plain", charset)
    message["From"] = Header(name, charset).encode() + " <ivan@example.ru>"
    message["To"] = "support@helpdesk.example"
    message["Subject"] = Header(subject, charset).encode()
    return message.as_bytes()


@pytest.mark.parametrize("charset", ["koi8-r", "windows-1251", "iso-8859-5", "utf-8"])
def test_cyrillic_body_subject_and_name_in_each_charset(charset):
    mail = parse(composed(RUSSIAN, charset))
    assert mail.text == RUSSIAN
    assert mail.subject == SUBJECT
    assert (mail.from_name, mail.from_email) == ("Иван Петров", "ivan@example.ru")
    assert mail.defects == ()


def test_armenian_in_utf8():
    mail = parse(composed(ARMENIAN, "utf-8", subject="Սերվերը", name="Արամ Խաչատրյան"))
    assert (mail.text, mail.subject, mail.from_name) == (ARMENIAN, "Սերվերը", "Արամ Խաչատրյան")


@pytest.mark.parametrize("charset", ["koi8-r", "windows-1251", "iso-8859-5"])
def test_eight_bit_body_without_content_transfer_encoding(charset):
    head = f"From: ivan@example.ru\nSubject: x\nContent-Type: text/plain; charset={charset}"
    mail = parse(raw(head + "\nContent-Transfer-Encoding: 8bit", RUSSIAN.encode(charset)))
    assert mail.text == RUSSIAN


def test_raw_utf8_bytes_in_headers():
    head = "From: Иван Петров <IVAN@Example.RU>\nTo: Поддержка <support@helpdesk.example>\n"
    mail = parse(raw(head + f"Subject: {SUBJECT}"))
    assert (mail.from_name, mail.from_email, mail.subject) == (
        "Иван Петров",
        "ivan@example.ru",
        SUBJECT,
    )
    assert mail.to == ("support@helpdesk.example",)
    assert "raw 8-bit bytes in a header" in mail.defects


@pytest.mark.parametrize("charset", ["windows-1251", "koi8-r"])
def test_raw_legacy_bytes_in_headers_follow_the_body_charset(charset):
    head = f"From: Иван Петров <ivan@example.ru>\nSubject: {SUBJECT}\n"
    head += f"Content-Type: text/plain; charset={charset}"
    mail = parse(raw(head, RUSSIAN.encode(charset), encoding=charset))
    assert (mail.from_name, mail.subject, mail.text) == ("Иван Петров", SUBJECT, RUSSIAN)


@pytest.mark.parametrize("charset", ["windows-1251", "koi8-r"])
def test_raw_legacy_bytes_in_headers_are_detected_without_any_hint(charset):
    head = f"From: ivan@example.ru\nSubject: Срочно: {SUBJECT}, проверьте сервер"
    mail = parse(raw(head, b"ascii only\n", encoding=charset))
    assert mail.subject == f"Срочно: {SUBJECT}, проверьте сервер"


def test_encoded_word_split_inside_a_character_comes_out_whole():
    data = "Привет".encode()
    first, second = base64.b64encode(data[:3]).decode(), base64.b64encode(data[3:]).decode()
    mail = parse(raw(f"Subject: =?UTF-8?B?{first}?=\n =?UTF-8?B?{second}?="))
    assert mail.subject == "Привет"
    assert mail.defects == ("no From address",)  # nothing to repair in the subject


def test_quoted_printable_words_split_inside_a_character():
    mail = parse(raw("Subject: =?utf-8?Q?=D0=9F=D1?= =?utf-8?Q?=80=D0=B8=D0=B2=D0=B5=D1=82?="))
    assert mail.subject == "Привет"


def test_mixed_charsets_in_one_header():
    koi8 = base64.b64encode("Привет".encode("koi8-r")).decode()
    mail = parse(raw(f"Subject: =?koi8-r?B?{koi8}?= =?utf-8?Q?=D0=BC=D0=B8=D1=80?= and more"))
    assert mail.subject == "Приветмир and more"


def test_malformed_encoded_words_are_repaired():
    unpadded = base64.b64encode("Привет".encode()).decode().rstrip("=")[: -0 or None]
    cases = {
        f"=?utf-8?B?{unpadded}?=": "Привет",  # no padding
        "Re:=?utf-8?Q?=D0=BE=D1=82=D0=B2=D0=B5=D1=82?=": "Re:ответ",  # glued to a word
        "=?utf-8?Q?two words?=": "two words",  # spaces inside
        "=?x-unknown?Q?=D0=B4=D0=B0?=": "да",  # unknown charset: detected
        "=?UTF8?Q?=D0=B4=D0=B0?=": "да",  # misspelt charset
        "=?utf-8?Q?=D0=B4=D0?=": "д\ufffd",  # cut inside a character
    }
    for header, expected in cases.items():
        assert parse(raw(f"Subject: {header}")).subject == expected, header


def test_encoded_words_in_display_names_with_commas_stay_one_person():
    name = Header("Петров, Иван", "utf-8").encode()
    mail = parse(raw(f"From: {name} <ivan@example.ru>\nTo: a@example.com, B <B@EXAMPLE.com>"))
    assert (mail.from_name, mail.from_email) == ("Петров, Иван", "ivan@example.ru")
    assert mail.to == ("a@example.com", "b@example.com")


def test_mislabelled_charsets_are_detected():
    labelled_koi8 = "From: a@example.com\nContent-Type: text/plain; charset=koi8-r"
    mail = parse(raw(labelled_koi8, RUSSIAN.encode("cp1251")))
    assert mail.text == RUSSIAN
    assert "text labelled koi8-r is cp1251" in mail.defects
    labelled_1251 = "From: a@example.com\nContent-Type: text/plain; charset=windows-1251"
    assert parse(raw(labelled_1251, RUSSIAN.encode())).text == RUSSIAN


def test_a_shouting_line_in_its_declared_charset_is_left_alone():
    shout = "ВНИМАНИЕ! СЕРВЕР НЕ ОТВЕЧАЕТ"
    mail = parse(raw("Content-Type: text/plain; charset=koi8-r", shout.encode("koi8-r")))
    assert mail.text == shout


@pytest.mark.parametrize("charset", ["cp1251", "koi8-r", "utf-8"])
def test_undeclared_charsets_are_detected(charset):
    text = RUSSIAN * 3
    mail = parse(raw("From: a@example.com\nContent-Type: text/plain", text.encode(charset)))
    assert mail.text == text


def test_invalid_bytes_decode_with_replacement_not_failure():
    mail = parse(
        raw("Content-Type: text/plain; charset=utf-8", "Да".encode() + b"\xff\xfe" + "нет".encode())
    )
    assert mail.text == "Да\ufffd\ufffdнет"


def test_rfc2231_file_names_with_continuations():
    head = (
        "From: a@example.com\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
        "Content-Type: text/plain\n\nsee file\n--b\n"
        "Content-Type: application/pdf\n"
        "Content-Disposition: attachment;\n filename*0*=utf-8''%D0%9E%D1%82%D1%87;\n"
        " filename*1*=%D1%91%D1%82%20%E2%84%96%205.pdf\n\n%PDF-1.4\n--b\n"
        "Content-Type: application/octet-stream;\n name*=koi8-r''%F3%DE%C5%D4.txt\n\nx\n--b--"
    )
    mail = parse(raw(head, b""))
    assert [a.filename for a in mail.attachments] == ["Отчёт № 5.pdf", "Счет.txt"]


def test_encoded_word_and_raw_utf8_file_names():
    name = Header("Договор.docx", "utf-8").encode()
    head = (
        "From: a@example.com\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
        "Content-Type: text/plain\n\nsee\n--b\n"
        f'Content-Type: application/msword\nContent-Disposition: attachment; filename="{name}"'
        "\n\ndoc\n--b\nContent-Type: application/zip\n"
        'Content-Disposition: attachment; filename="Архив.zip"\n\nPK\n--b--'
    )
    mail = parse(raw(head, b""))
    assert [a.filename for a in mail.attachments] == ["Договор.docx", "Архив.zip"]


UKRAINIAN = "Доброго дня! Ґанок офісу зачинено, і сервер не відповідає з ранку. Є помилка 502."
BELARUSIAN = "Добры дзень! Сервер не адказвае ўжо з раніцы, праверце, калі ласка."


@pytest.mark.parametrize("label", ["same", "koi8-r", "none"])
@pytest.mark.parametrize("charset", ["koi8-u", "windows-1251"])
def test_ukrainian_text_is_read_in_its_charset_whatever_the_label(charset, label):
    """R4: Ukrainian ґ є і ї decide between koi8-u and windows-1251, even when the mail
    calls koi8-u koi8-r (a common mislabel) or names no charset at all."""
    name, subject = "Олексій Ґалаґан", "Ґудзик"
    head = f"From: {name} <o@example.ua>\nSubject: {subject}\nContent-Type: text/plain"
    declared = {"same": f"; charset={charset}", "koi8-r": "; charset=koi8-r", "none": ""}
    mail = parse(raw(head + declared[label], UKRAINIAN.encode(charset), encoding=charset))
    assert (mail.text, mail.subject, mail.from_name) == (UKRAINIAN, subject, name)


@pytest.mark.parametrize("label", ["windows-1251", "koi8-r", ""])
def test_belarusian_text_with_short_u_is_read_in_windows_1251(label):
    """R4: Belarusian ў and і are letters, not mojibake."""
    head = "From: x@example.by\nSubject: x\nContent-Type: text/plain"
    mail = parse(raw(head + (f"; charset={label}" if label else ""), BELARUSIAN.encode("cp1251")))
    assert mail.text == BELARUSIAN
