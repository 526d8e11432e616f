"""Conversations for the demo data: what hosting customers really write, in English and Russian.

Each scenario is a category, a subject and the steps of a conversation: "c" the customer
writes, "a" an agent answers, "n" an agent adds an internal note. `{service}` is replaced
by the customer's product, `{n}` by a number.
"""

from datetime import date
from typing import Any

SCENARIOS: list[dict[str, Any]] = [
    {
        "category": "tech",
        "subject": "Website returns 502 Bad Gateway since this morning",
        "attachment": "screenshot",
        "steps": [
            (
                "c",
                "Hello,\n\nsince about 8:00 today our site shop.example.org on {service} "
                'shows "502 Bad Gateway". We did not change anything on the server. '
                "Restarting nginx did not help. Screenshot attached.\n\nThanks, {name}",
            ),
            ("n", "php-fpm pool is out of workers: max_children=5. Memory is fine, raising to 20."),
            (
                "a",
                "Hello {name},\n\nthe PHP-FPM pool on {service} ran out of workers under "
                "today's traffic. We raised pm.max_children from 5 to 20 and restarted the "
                "service; the site answers again. Please check on your side.",
            ),
            ("c", "Works now, thank you for the quick fix!"),
        ],
    },
    {
        "category": "tech",
        "subject": "Cannot connect over SSH: Connection refused",
        "attachment": "log",
        "steps": [
            (
                "c",
                "Hi, I cannot log in to {service} over SSH since yesterday evening:\n\n"
                "ssh: connect to host 203.0.113.{n} port 22: Connection refused\n\n"
                "Ping works. I changed sshd_config to allow only keys before that. "
                "Output of ssh -vvv attached.",
            ),
            (
                "a",
                "Hi {name}, the server answers on the console. sshd fails to start: "
                '"Bad configuration option: PermitRootLogn" (a typo, line 34). '
                "I fixed the line through the rescue console and started sshd.",
            ),
            ("c", "Ouch, my typo. Thank you! Can you also enable fail2ban for me?"),
            ("a", "Done: fail2ban is installed with the sshd jail (5 attempts, 1 hour ban)."),
        ],
    },
    {
        "category": "tech",
        "subject": "Disk almost full on the database server",
        "steps": [
            (
                "c",
                "Our monitoring says / on {service} is at 94 %. We did not upload anything "
                "big. What is eating the space?",
            ),
            ("n", "/var/log/mysql/slow.log is 38 GB, log rotation was disabled by the customer."),
            (
                "a",
                "The MySQL slow query log has grown to 38 GB because log rotation was turned "
                "off. May we truncate it and switch rotation back on (daily, 7 days kept)?",
            ),
        ],
    },
    {
        "category": "tech",
        "subject": "SSL certificate expired on mail.{domain}",
        "steps": [
            (
                "c",
                "Outlook warns that the certificate of mail.{domain} expired yesterday. "
                "Automatic renewal was supposed to handle this.",
            ),
            (
                "a",
                "Renewal failed because the DNS record for mail.{domain} points to the old "
                "IP. I renewed the certificate with the DNS challenge; please update the "
                "A record to 198.51.100.{n} so that future renewals work.",
            ),
        ],
    },
    {
        "category": "sales",
        "subject": "Upgrade from VPS S to VPS M: downtime?",
        "steps": [
            (
                "c",
                "We want to upgrade {service} to the next plan (4 cores, 8 GB). How long "
                "is the downtime and can you do it at night?",
            ),
            (
                "a",
                "The upgrade needs one reboot, usually under 3 minutes. We can do it at any "
                "time you choose; the price difference for this month is charged pro rata.",
            ),
            ("c", "Please do it on Saturday at 02:00 CET."),
            ("a", "Scheduled for Saturday 02:00 CET. You will get a message when it is done."),
        ],
    },
    {
        "category": "sales",
        "subject": "Offer for 3 dedicated servers with DDoS protection",
        "steps": [
            (
                "c",
                "Good afternoon, we are moving our game servers and need 3 dedicated "
                "machines with DDoS protection in Frankfurt. Could you send an offer?\n\n"
                "Best regards,\n{name}",
            ),
            (
                "a",
                "Thank you for your interest. Attached is our offer for 3 x DS-Pro with "
                "always-on filtering; the setup fee is waived for a 12-month term.",
            ),
        ],
    },
    {
        "category": "billing",
        "subject": "Invoice {n} charged twice",
        "attachment": "invoice",
        "steps": [
            (
                "c",
                "Hello, invoice {n} was charged twice to our credit card on the 3rd. "
                "Bank statement attached. Please refund one payment.",
            ),
            ("n", "Confirmed in the payment gateway: two captures 40 seconds apart."),
            (
                "a",
                "You are right, the payment was captured twice. We refunded the second "
                "charge today; it reaches the card within 5 business days.",
            ),
        ],
    },
    {
        "category": "billing",
        "subject": "Change of company details on invoices",
        "steps": [
            (
                "c",
                "Our company moved. Please put the new address on future invoices:\n"
                "Hauptstraße 12, 10115 Berlin, VAT DE123456789.",
            ),
            ("a", "Updated. The next invoice will carry the new address and VAT number."),
        ],
    },
    {
        "category": "other",
        "subject": "Question about backups retention",
        "steps": [
            (
                "c",
                "How many days of backups do you keep for {service}, and can I restore a "
                "single file myself?",
            ),
            (
                "a",
                "Backups are kept for 14 days. In the control panel, open Backups, pick a "
                'date and use "Browse" to restore single files or folders.',
            ),
        ],
    },
    {
        "category": "tech",
        "lang": "ru",
        "subject": "Сайт не открывается, ошибка 500",
        "attachment": "screenshot",
        "steps": [
            (
                "c",
                "Здравствуйте!\n\nС утра сайт на {service} отдаёт ошибку 500. Вчера вечером "
                "обновили WordPress до последней версии. Скриншот ошибки во вложении.\n\n"
                "С уважением, {name}",
            ),
            ("n", "В error.log: PHP Fatal error в плагине old-slider, несовместим с PHP 8.3."),
            (
                "a",
                "Здравствуйте, {name}!\n\nПричина — плагин old-slider, который не работает с "
                "PHP 8.3. Мы временно отключили его, сайт открывается. Рекомендуем заменить "
                "плагин или обновить его у разработчика.",
            ),
            ("c", "Спасибо, всё заработало! Плагин заменим."),
        ],
    },
    {
        "category": "tech",
        "lang": "ru",
        "subject": "Не приходит почта на ящики домена {domain}",
        "steps": [
            (
                "c",
                "Добрый день. Со вчерашнего дня на ящики @{domain} не приходят письма, "
                "отправители получают ошибку «550 5.1.1 User unknown». Что случилось?",
            ),
            (
                "a",
                "Добрый день! После смены тарифа MX-запись домена указывает на старый "
                "сервер. Исправили MX на mx1.hosting.example, изменения вступят в силу в "
                "течение часа.",
            ),
            ("c", "Письма пошли. Подскажите, потерянные за вчера письма можно вернуть?"),
            (
                "a",
                "Отправляющие серверы повторяют доставку до 5 суток, так что большая часть "
                "писем придёт сама. Письма, отклонённые с ошибкой 550, отправителям "
                "придётся переслать.",
            ),
        ],
    },
    {
        "category": "tech",
        "lang": "ru",
        "subject": "Сервер {service} тормозит, высокая нагрузка",
        "attachment": "log",
        "steps": [
            (
                "c",
                "Здравствуйте. Сервер {service} последние два дня сильно тормозит, load "
                "average доходит до 30. Вывод top и iostat прикладываю.",
            ),
            (
                "n",
                "iowait 60%, диск sdb — SMART показывает Reallocated_Sector_Ct 1200. "
                "Диск умирает, нужна замена.",
            ),
            (
                "a",
                "Здравствуйте! Один из дисков массива выходит из строя (растёт число "
                "переназначенных секторов). Предлагаем заменить его сегодня в 23:00 МСК, "
                "простой около 15 минут. Подходит?",
            ),
        ],
    },
    {
        "category": "tech",
        "lang": "ru",
        "subject": "Как настроить резервное копирование базы PostgreSQL?",
        "steps": [
            (
                "c",
                "Подскажите, пожалуйста, как настроить ежедневный бэкап базы PostgreSQL "
                "на {service} с хранением на вашем бэкап-хранилище?",
            ),
            (
                "a",
                "В панели управления откройте «Резервные копии» → «Задания», выберите тип "
                "«PostgreSQL», укажите базу и время. Копии хранятся 14 дней. Инструкция: "
                "https://docs.hosting.example/backup/postgresql",
            ),
        ],
    },
    {
        "category": "sales",
        "lang": "ru",
        "subject": "Перенос сайтов с другого хостинга",
        "steps": [
            (
                "c",
                "Здравствуйте! Хотим перенести к вам 12 сайтов на Битриксе с другого "
                "хостинга. Поможете с переносом и сколько это будет стоить?",
            ),
            (
                "a",
                "Здравствуйте! Перенос при заказе годового тарифа бесплатный. Пришлите, "
                "пожалуйста, доступы к текущему хостингу в защищённой форме в личном "
                "кабинете, и мы согласуем время переноса.",
            ),
            ("c", "Доступы отправили. Переносить лучше ночью."),
        ],
    },
    {
        "category": "billing",
        "lang": "ru",
        "subject": "Не прошла оплата по счёту №{n}",
        "attachment": "invoice",
        "steps": [
            (
                "c",
                "Добрый день. Оплатили счёт №{n} банковским переводом три дня назад, но в "
                "личном кабинете он всё ещё не оплачен. Платёжное поручение во вложении.",
            ),
            ("n", "Платёж пришёл без номера счёта в назначении, висит в невыясненных."),
            (
                "a",
                "Добрый день! Платёж нашли: в назначении не был указан номер счёта. Мы "
                "зачислили его на счёт №{n}, услуги продлены.",
            ),
            ("c", "Спасибо! Учтём на будущее."),
        ],
    },
    {
        "category": "billing",
        "lang": "ru",
        "subject": "Нужны закрывающие документы за квартал",
        "steps": [
            (
                "c",
                "Пришлите, пожалуйста, акты и счета-фактуры за третий квартал для "
                "бухгалтерии. Квитанция об оплате за сентябрь тоже нужна.",
            ),
            (
                "a",
                "Документы за третий квартал сформированы и доступны в личном кабинете в "
                "разделе «Документы». Оригиналы отправим почтой в течение недели.",
            ),
        ],
    },
    {
        "category": "other",
        "lang": "ru",
        "subject": "Смена контактного лица по договору",
        "steps": [
            (
                "c",
                "Здравствуйте, у нас сменился технический директор. Прошу заменить "
                "контактное лицо по договору на Ивана Сергеевича Смирнова.",
            ),
            (
                "a",
                "Здравствуйте! Для смены контактного лица нужно письмо на бланке компании "
                "с подписью директора. Загрузите его скан в ответ на это сообщение.",
            ),
        ],
    },
    {
        "category": "tech",
        "subject": "DNS changes not visible after 24 hours / изменения DNS не применились",
        "steps": [
            (
                "c",
                "Hi, I changed the A record of {domain} yesterday but some people still "
                "reach the old server. Извините, пишу на смеси языков — коллеги из Москвы "
                "тоже видят старый IP.",
            ),
            (
                "a",
                "Hello {name}! The old record had a TTL of 86400 seconds (24 h), so some "
                "resolvers keep it until tonight. Новое значение TTL — 300 секунд, так что "
                "следующие изменения применятся за 5 минут.",
            ),
        ],
    },
]

CATEGORIES: dict[str, dict[str, str]] = {
    "tech": {
        "kind": "technical",
        "name": "Technical support",
        "department": "technical-support",
        "guidance": (
            "Tell us which site or server is affected, when the problem started, what "
            "changed just before, and what you have already tried. Add a link to the page "
            "and a screenshot or the error message; for network problems, ping and "
            "traceroute output; for slow servers, top/iostat output or SMART data."
        ),
    },
    "sales": {
        "kind": "sales",
        "name": "Sales and new services",
        "department": "sales",
        "guidance": (
            "Describe what you need (plan, number of servers, location, traffic) and by "
            "when. If it concerns an existing service, pick it below."
        ),
    },
    "billing": {
        "kind": "billing",
        "name": "Billing and payments",
        "department": "billing",
        "guidance": (
            "Give the invoice number and how you paid or meant to pay (card, bank "
            "transfer, PayPal). For a bank transfer, attach the payment order."
        ),
    },
    "other": {
        "kind": "other",
        "name": "Other question",
        "department": "technical-support",
        "guidance": "Anything else: we will route it to the right team.",
    },
}

# The categories, departments and service kinds in Russian and German (issue 12): the
# portal and the staff pages show them in the viewer's language.
CATEGORY_TRANSLATIONS: dict[str, dict[str, dict[str, str]]] = {
    "tech": {
        "ru": {
            "name": "Техническая поддержка",
            "guidance": (
                "Укажите, какой сайт или сервер не работает, когда началась проблема, что "
                "менялось перед этим и что вы уже пробовали. Приложите ссылку на страницу и "
                "скриншот или текст ошибки; при сетевых проблемах — вывод ping и traceroute; "
                "если сервер тормозит — вывод top/iostat или данные SMART."
            ),
        },
        "de": {
            "name": "Technischer Support",
            "guidance": (
                "Nennen Sie die betroffene Website oder den Server, seit wann das Problem "
                "besteht, was sich kurz davor geändert hat und was Sie schon versucht haben. "
                "Fügen Sie einen Link zur Seite und einen Screenshot oder die Fehlermeldung "
                "bei; bei Netzwerkproblemen die Ausgabe von ping und traceroute, bei langsamen "
                "Servern die Ausgabe von top/iostat oder SMART-Daten."
            ),
        },
    },
    "sales": {
        "ru": {
            "name": "Продажи и новые услуги",
            "guidance": (
                "Опишите, что вам нужно (тариф, число серверов, размещение, трафик) и к "
                "какому сроку. Если вопрос касается существующей услуги, выберите её ниже."
            ),
        },
        "de": {
            "name": "Vertrieb und neue Dienste",
            "guidance": (
                "Beschreiben Sie, was Sie brauchen (Tarif, Anzahl der Server, Standort, "
                "Traffic) und bis wann. Betrifft es einen bestehenden Dienst, wählen Sie ihn "
                "unten aus."
            ),
        },
    },
    "billing": {
        "ru": {
            "name": "Счета и оплата",
            "guidance": (
                "Укажите номер счёта и способ оплаты (карта, банковский перевод, PayPal). "
                "Для банковского перевода приложите платёжное поручение."
            ),
        },
        "de": {
            "name": "Rechnungen und Zahlungen",
            "guidance": (
                "Geben Sie die Rechnungsnummer an und wie Sie bezahlt haben oder bezahlen "
                "wollten (Karte, Überweisung, PayPal). Bei einer Überweisung hängen Sie den "
                "Zahlungsauftrag an."
            ),
        },
    },
    "other": {
        "ru": {
            "name": "Другой вопрос",
            "guidance": "Всё остальное: мы передадим вопрос нужной команде.",
        },
        "de": {
            "name": "Andere Frage",
            "guidance": "Alles andere: Wir leiten es an das richtige Team weiter.",
        },
    },
}

DEPARTMENT_TRANSLATIONS: dict[str, dict[str, dict[str, str]]] = {
    "technical-support": {
        "ru": {
            "name": "Техническая поддержка",
            "sender_name": "Поддержка Hosting Example",
            "signature": "--\nТехническая поддержка Hosting Example\nКруглосуточно: "
            "+49 30 1234567 · https://status.hosting.example",
        },
        "de": {
            "name": "Technischer Support",
            "sender_name": "Hosting Example Support",
            "signature": "--\nTechnischer Support von Hosting Example\nRund um die Uhr: "
            "+49 30 1234567 · https://status.hosting.example",
        },
    },
    "sales": {
        "ru": {"name": "Отдел продаж", "sender_name": "Продажи Hosting Example"},
        "de": {"name": "Vertrieb", "sender_name": "Hosting Example Vertrieb"},
    },
    "billing": {
        "ru": {"name": "Бухгалтерия", "sender_name": "Бухгалтерия Hosting Example"},
        "de": {"name": "Buchhaltung", "sender_name": "Hosting Example Buchhaltung"},
    },
}

SERVICE_KIND_TRANSLATIONS: dict[str, dict[str, dict[str, str]]] = {
    "VPS": {"ru": {"kind": "VPS"}, "de": {"kind": "VPS"}},
    "Dedicated server": {
        "ru": {"kind": "Выделенный сервер"},
        "de": {"kind": "Dedizierter Server"},
    },
    "Domain": {"ru": {"kind": "Домен"}, "de": {"kind": "Domain"}},
    "Shared hosting": {"ru": {"kind": "Виртуальный хостинг"}, "de": {"kind": "Webhosting"}},
}

DEPARTMENTS: list[dict[str, Any]] = [
    {
        "slug": "technical-support",
        "name": "Technical support",
        "addresses": ["support@hosting.example", "tech@hosting.example"],
        "sender_name": "Hosting Example Support",
        "signature": "--\nHosting Example Technical Support\n24/7: +49 30 1234567 · "
        "https://status.hosting.example",
    },
    {
        "slug": "sales",
        "name": "Sales",
        "addresses": ["sales@hosting.example"],
        "sender_name": "Hosting Example Sales",
        "signature": "--\nHosting Example Sales\nMon-Fri 9:00-18:00 CET · +49 30 1234500",
    },
    {
        "slug": "billing",
        "name": "Billing",
        "addresses": ["billing@hosting.example", "invoices@hosting.example"],
        "sender_name": "Hosting Example Billing",
        "signature": "--\nHosting Example Billing / Бухгалтерия\nbilling@hosting.example",
    },
]

# (email, name, role, departments, language, active)
STAFF = [
    ("admin@hosting.example", "Alex Admin", "admin", [], "en", True),
    ("manager@hosting.example", "Maria Manager", "manager", ["technical-support"], "en", True),
    ("anna@hosting.example", "Anna Kowalski", "agent", ["technical-support"], "en", True),
    (
        "boris@hosting.example",
        "Борис Иванов",
        "agent",
        ["technical-support", "billing"],
        "ru",
        True,
    ),
    ("clara@hosting.example", "Clara Schmidt", "agent", ["sales"], "de", True),
    ("dmitry@hosting.example", "Дмитрий Соколов", "agent", ["billing"], "ru", True),
    ("former@hosting.example", "Frank Former", "agent", ["technical-support"], "en", False),
]

ORGANIZATIONS: list[dict[str, Any]] = [
    {
        "name": "ООО «Ромашка»",
        "shares_tickets": True,
        "domain": "romashka.example",
        "services": [
            ("VPS cs1234", "VPS"),
            ("Dedicated ds-0042", "Dedicated server"),
            ("romashka.example", "Domain"),
        ],
        "members": [
            ("ivan.petrov@romashka.example", "Иван Петров", "ru"),
            ("olga.smirnova@romashka.example", "Ольга Смирнова", "ru"),
        ],
    },
    {
        "name": "Northwind Traders",
        "shares_tickets": False,
        "domain": "northwind.example",
        "services": [("VPS nw-web-01", "VPS"), ("Business hosting 20", "Shared hosting")],
        "members": [
            ("john.miller@northwind.example", "John Miller", "en"),
            ("sarah.connor@northwind.example", "Sarah Connor", "en"),
        ],
    },
]

# Customers without an organization: (email, name, language, own services)
INDIVIDUALS = [
    ("customer@example.com", "Chris Customer", "en", [("VPS cs2077", "VPS")]),
    ("natalia@example.ru", "Наталья Кузнецова", "ru", [("Хостинг «Старт»", "Shared hosting")]),
    ("armen@example.am", "Արմեն Սարգսյան", "hy", []),
]


# Holidays of the Moscow office calendar (yearly; the year is set when seeding).
HOLIDAYS = [
    ("Новогодние каникулы", date(2000, 1, 1), date(2000, 1, 8)),
    ("Праздник весны и труда", date(2000, 5, 1), date(2000, 5, 1)),
    ("День Победы", date(2000, 5, 9), date(2000, 5, 9)),
]

RATING_COMMENTS = {
    "ru": {
        "good": ["Спасибо, всё заработало!", "Быстро и по делу.", "Отличная поддержка."],
        "bad": ["Ждал ответа почти сутки.", "Проблема так и не решена до конца."],
    },
    "en": {
        "good": ["Thanks, works now!", "Quick and clear answer."],
        "bad": ["Took far too long.", "The answer did not help."],
    },
}
