"""Writes the multilingual test mails of this folder and expected.json (issue 12, R4).

Run it again after changing a text: `python tests/mailgateway/data/charsets/make.py`.
The texts are ours, written for these tests. Each language is written in its legacy
charsets three ways: declared (encoded words, a charset parameter, an RFC 2231 file
name), undeclared (raw 8-bit headers and a text part without a charset) and misdeclared
(labelled iso-8859-1 or us-ascii); Japanese also as raw 7-bit ISO-2022-JP headers, and
Armenian, Japanese and Russian in UTF-16 and UTF-32 with and without a byte order mark.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
DATE = "Thu, 03 Dec 2026 09:15:00 +0000"

TEXTS = {
    "ja": (
        "サーバーに接続できません",
        "田中 太郎",
        "いつもお世話になっております。\n昨日の夜からサーバーに接続できません。\n"
        "管理画面には「接続がタイムアウトしました」と表示されます。\nよろしくお願いいたします。",
        "スクリーンショット.png",
    ),
    "zh-hans": (
        "网站无法访问",
        "王小明",
        "您好！\n我们的网站从今天早上开始无法访问，浏览器显示错误。\n"
        "我们没有修改任何设置，请帮忙检查一下服务器的状态。谢谢！",
        "错误截图.png",
    ),
    "zh-hant": (
        "網站無法連線",
        "陳大文",
        "您好！\n我們的網站從今天早上開始無法連線，瀏覽器顯示錯誤。\n"
        "我們沒有修改任何設定，請幫忙檢查一下伺服器的狀態。謝謝！",
        "錯誤畫面.png",
    ),
    "ko": (
        "웹사이트 접속 오류",
        "김민수",
        "안녕하세요.\n오늘 아침부터 웹사이트에 접속할 수 없습니다.\n"
        "설정은 변경하지 않았습니다. 서버 상태를 확인해 주시기 바랍니다.",
        "오류 화면.png",
    ),
    "uk": (
        "Сайт не працює",
        "Олексій Ґалаґан",
        "Доброго дня!\nЄ проблема: сайт не відкривається з самого ранку.\n"
        "Ґрунтовно перевірте, будь ласка, що сталося з сервером. Дякую.",
        "Знімок екрана.png",
    ),
    "be": (
        "Сайт не працуе",
        "Алесь Шчэпанаў",
        "Добры дзень!\nСайт не адкрываецца ўжо з раніцы.\n"
        "Праверце, калі ласка, што здарылася з серверам. Дзякуй.",
        "Здымак экрана.png",
    ),
    "ru": (
        "Сервер не отвечает",
        "Иван Петров",
        "Здравствуйте!\nС утра не открывается сайт, браузер пишет ошибку.\n"
        "Мы ничего не меняли, последний раз всё работало вчера вечером.",
        "Снимок экрана.png",
    ),
    "de": (
        "Störung: Seite lädt nicht",
        "Jürgen Müller",
        "Guten Tag,\nseit heute früh lässt sich unsere Seite nicht öffnen.\n"
        "Größere Änderungen gab es nicht. Mit freundlichen Grüßen aus Köln",
        "Bildschirmfoto Größe.png",
    ),
    "el": (
        "Πρόβλημα με τον ιστότοπο",
        "Γιώργος Παπαδόπουλος",
        "Καλημέρα σας,\nαπό το πρωί ο ιστότοπός μας δεν ανοίγει.\n"
        "Παρακαλώ ελέγξτε τον διακομιστή. Ευχαριστώ πολύ.",
        "Στιγμιότυπο οθόνης.png",
    ),
    "pl": (
        "Błąd strony głównej",
        "Paweł Żółkiewski",
        "Dzień dobry,\nod rana nasza strona nie działa, przeglądarka pokazuje błąd.\n"
        "Proszę o sprawdzenie serwera. Pozdrawiam serdecznie, Paweł",
        "Zrzut ekranu błędu.png",
    ),
    "hy": (
        "Կայքը չի աշխատում",
        "Արամ Խաչատրյան",
        "Բարեւ ձեզ,\nառավոտից մեր կայքը չի բացվում։\nԽնդրում եմ ստուգել սերվերը։ Շնորհակալություն։",
        "Էկրանի նկար.png",
    ),
}

# (language, charset as labelled in the mail, Python codec of the bytes)
DECLARED = [
    ("ja", "ISO-2022-JP", "iso2022_jp"),
    ("ja", "Shift_JIS", "cp932"),
    ("ja", "EUC-JP", "euc_jp"),
    ("zh-hans", "GB2312", "gb2312"),
    ("zh-hans", "GBK", "gbk"),
    ("zh-hans", "GB18030", "gb18030"),
    ("zh-hant", "Big5", "big5"),
    ("ko", "EUC-KR", "euc_kr"),
    ("ko", "ks_c_5601-1987", "cp949"),
    ("uk", "KOI8-U", "koi8_u"),
    ("uk", "windows-1251", "cp1251"),
    ("be", "windows-1251", "cp1251"),
    ("ru", "KOI8-R", "koi8_r"),
    ("de", "ISO-8859-1", "latin-1"),
    ("de", "ISO-8859-15", "iso8859_15"),
    ("de", "windows-1252", "cp1252"),
    ("el", "ISO-8859-7", "iso8859_7"),
    ("el", "windows-1253", "cp1253"),
    ("pl", "ISO-8859-2", "iso8859_2"),
    ("pl", "windows-1250", "cp1250"),
    ("hy", "UTF-8", "utf-8"),
]
# Raw 8-bit bytes, no charset anywhere.
UNDECLARED = [
    ("ja", "cp932"),
    ("ja", "euc_jp"),
    ("zh-hans", "gbk"),
    ("zh-hant", "big5"),
    ("ko", "euc_kr"),
    ("uk", "koi8_u"),
    ("uk", "cp1251"),
    ("be", "cp1251"),
    ("ru", "koi8_r"),
    ("de", "cp1252"),
    ("el", "cp1253"),
    ("pl", "cp1250"),
    ("pl", "iso8859_2"),
    ("hy", "utf-8"),
]
# Labelled iso-8859-1 (the most common wrong label), bytes in another charset.
MISDECLARED = [
    ("ja", "cp932"),
    ("zh-hans", "gbk"),
    ("zh-hant", "big5"),
    ("ko", "euc_kr"),
    ("ru", "cp1251"),
    ("uk", "cp1251"),
    ("el", "cp1253"),
    ("pl", "cp1250"),
]
WIDE = [
    ("hy", "UTF-16", "utf-16"),  # with a byte order mark
    ("ja", "UTF-16", "utf-16-be"),  # declared, no mark
    ("ru", "UTF-16", "utf-16-le"),
    ("ja", "UTF-16BE", "utf-16-be"),
    ("de", "UTF-32", "utf-32"),
    ("ko", "UTF-32", "utf-32-be"),
    ("hy", "", "utf-16-le"),  # undeclared, no mark
    ("ru", "", "utf-16"),  # undeclared, with a mark
    ("de", "", "utf-32-le"),
]
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="
)


def crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("ascii")


def encoded_word(text: str, label: str, codec: str) -> str:
    data = text.encode(codec)
    return f"=?{label}?B?{base64.b64encode(data).decode()}?="


def mail(head: bytes, text_part: bytes, filename_header: bytes) -> bytes:
    boundary = b"=_boundary_12"
    return b"".join(
        (
            head,
            b"To: support@helpdesk.example\r\nDate: " + DATE.encode() + b"\r\n",
            b"MIME-Version: 1.0\r\n",
            b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n',
            b"--" + boundary + b"\r\n" + text_part + b"\r\n",
            b"--" + boundary + b"\r\nContent-Type: image/png\r\n" + filename_header,
            b"Content-Transfer-Encoding: base64\r\n\r\n",
            base64.b64encode(PNG) + b"\r\n--" + boundary + b"--\r\n",
        )
    )


def declared(language: str, label: str, codec: str) -> bytes:
    subject, name, body, filename = TEXTS[language]
    head = crlf(
        f"From: {encoded_word(name, label, codec)} <sender@example.org>\n"
        f"Subject: {encoded_word(subject, label, codec)}\n"
    )
    part = crlf(
        f"Content-Type: text/plain; charset={label}\nContent-Transfer-Encoding: base64\n\n"
    ) + base64.encodebytes(body.encode(codec)).replace(b"\n", b"\r\n")
    quoted = quote(filename.encode(codec), safe="")
    attachment = crlf(f"Content-Disposition: attachment; filename*={label}''{quoted}\n")
    return mail(head, part, attachment)


def raw_8bit(language: str, codec: str, label: str = "") -> bytes:
    subject, name, body, filename = TEXTS[language]
    head = b"From: " + name.encode(codec) + b" <sender@example.org>\r\nSubject: "
    head += subject.encode(codec) + b"\r\n"
    charset = f"; charset={label}" if label else ""
    part = crlf(f"Content-Type: text/plain{charset}\nContent-Transfer-Encoding: 8bit\n\n")
    part += body.replace("\n", "\r\n").encode(codec)
    attachment = b'Content-Disposition: attachment; filename="' + filename.encode(codec) + b'"\r\n'
    return mail(head, part, attachment)


def iso2022_raw() -> bytes:
    """Japanese as old mail programs send it: 7-bit ISO-2022-JP straight in the headers,
    and a body with a circled number of Microsoft's extension (ISO-2022-JP-MS)."""
    subject, name, body, filename = TEXTS["ja"]
    head = b"From: " + name.encode("iso2022_jp") + b" <sender@example.org>\r\n"
    head += b"Subject: " + subject.encode("iso2022_jp") + b"\r\n"
    circled = b"\x1b$B-!\x1b(B"  # (1) in row 13 of JIS X 0208 as Microsoft extended it
    text = body.replace("\n", "\r\n").encode("iso2022_jp") + b"\r\n" + circled + b"\r\n"
    part = crlf("Content-Type: text/plain; charset=ISO-2022-JP\n")
    part += crlf("Content-Transfer-Encoding: 7bit\n\n")
    attachment = b'Content-Disposition: attachment; filename="' + filename.encode("iso2022_jp")
    return mail(head, part + text, attachment + b'"\r\n')


def wide(language: str, label: str, codec: str) -> bytes:
    subject, name, body, filename = TEXTS[language]
    head = crlf(
        f"From: {encoded_word(name, 'UTF-8', 'utf-8')} <sender@example.org>\n"
        f"Subject: {encoded_word(subject, 'UTF-8', 'utf-8')}\n"
    )
    charset = f"; charset={label}" if label else ""
    part = crlf(f"Content-Type: text/plain{charset}\nContent-Transfer-Encoding: base64\n\n")
    part += base64.encodebytes(body.encode(codec)).replace(b"\n", b"\r\n")
    quoted = quote(filename.encode(), safe="")
    attachment = crlf(f"Content-Disposition: attachment; filename*=utf-8''{quoted}\n")
    return mail(head, part, attachment)


def main() -> None:
    expected = {}

    def add(file: str, data: bytes, language: str, body_suffix: str = "") -> None:
        (HERE / file).write_bytes(data)
        subject, name, body, filename = TEXTS[language]
        expected[file] = {
            "subject": subject,
            "from_name": name,
            "from_email": "sender@example.org",
            "text": body + body_suffix,
            "attachments": [filename],
        }

    for language, label, codec in DECLARED:
        add(f"declared-{language}-{label.lower()}.eml", declared(language, label, codec), language)
    for language, codec in UNDECLARED:
        add(f"undeclared-{language}-{codec}.eml", raw_8bit(language, codec), language)
    for language, codec in MISDECLARED:
        data = raw_8bit(language, codec, "iso-8859-1")
        add(f"misdeclared-{language}-{codec}-as-latin1.eml", data, language)
    add("raw-iso-2022-jp-headers.eml", iso2022_raw(), "ja", "\n①")
    for language, label, codec in WIDE:
        file = f"wide-{language}-{label.lower() or 'undeclared'}-{codec}.eml"
        add(file, wide(language, label, codec), language)
    (HERE / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
