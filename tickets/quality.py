"""Help to write a good ticket: gentle, non-blocking hints while a customer writes (P2, P4).

Pure functions, no database: the portal calls them live (htmx) and on submit. The rules
come from what support teams ask customers again and again; the thresholds were tuned on
the demo data (README, "Customer portal").

- The subject is a title, not the whole story: longer than SUBJECT_MAX_CHARS is flagged.
- A description under DESCRIPTION_MIN_WORDS words is "short"; one that is only a greeting
  and a vague question ("my server is down again, what happened?") is "vague".
- Per kind of category, what the team will ask for anyway (ping and traceroute, logs,
  SMART data, browser version, a screenshot; invoice number and payment method).
- Similar tickets: significant words of two subjects (stop words removed, English and
  Russian, case-insensitive, words cut to a common prefix) compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tickets.models import CategoryKind

SUBJECT_MAX_CHARS = 80
DESCRIPTION_MIN_WORDS = 15
# A description with this few words left after greetings, sign-offs and filler is vague.
VAGUE_MAX_CONTENT_WORDS = 4
# Words are compared by their first letters: "сервер", "сервера", "серверу" -> "серве".
STEM_LENGTH = 5
# At most this many category hints at once, the most useful first: advice, not a form.
CATEGORY_HINTS_MAX = 3
# Similar subjects share at least this many significant words...
SIMILAR_MIN_SHARED = 2
# ...or the new subject has one, and the other at most this many.
SIMILAR_SHORT_SUBJECT = 3

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Hint:
    """One piece of advice. `code` is stable (tests, "already shown"); `text` translated."""

    code: str
    text: str | Promise


def words(text: str) -> list[str]:
    """The words of a text, lower-cased, in any script (ё counts as е)."""
    return [w.replace("ё", "е") for w in _WORD.findall((text or "").lower())]


def _word_list(text: str) -> frozenset[str]:
    return frozenset(words(text))


GREETINGS = _word_list(
    """
    hi hello hey dear good morning afternoon evening day team support guys all sir madam
    thanks thank you regards best cheers kind sincerely please pls asap urgent urgently
    здравствуйте здравствуй привет добрый доброе добрая день утро вечер уважаемые уважаемый
    коллеги поддержка спасибо заранее благодарю пожалуйста срочно с уважением всего доброго
    """
)
# Words that say something is wrong without saying what: alone, they make a vague ticket.
VAGUE_WORDS = _word_list(
    """
    what whats happened happening happen wrong why again still down broken work works
    working doesn doesnt dont not no problem problems issue issues help anything something
    is it my our the a an we i me us again going on up fix please can you could
    что случилось происходит опять снова почему не работает работают сломалось упал упало
    лежит проблема проблемы помогите помочь можете можно ли у нас меня мой моя мое наш наша
    это так вопрос случилось сделайте что-нибудь всё все как
    """
)

STOP_WORDS = _word_list(
    """
    a an the and or but if then than so to of in on at by for from with without into onto
    over under after before since until about as is are was were be been being am do does
    did doing done have has had having can could will would shall should may might must
    not no nor only own same too very just also again still already yet i me my mine we us
    our ours you your yours he him his she her it its they them their this that these those
    what which who whom whose when where why how all any both each few more most other some
    such there here up down out off once get got getting please pls hi hello dear thanks
    thank need needs want help issue issues problem problems question questions request
    doesn doesnt dont isn isnt cannot cant wont work works working new re fw fwd
    и в во не на с со что как а то все всё она он оно они так его её ее их но да ты к у же
    вы за бы по только мне меня мой моя моё мое наш наша наше наши было был была были быть
    есть от из о об для при без до после через над под ли если или ни нет уже еще ещё
    тоже также это этот эта эти тот та те там тут где когда почему зачем какой какая какие
    чем чего кто кого вам вас нам нас нам себя свой своя может можно нужно надо прошу
    пожалуйста помогите здравствуйте привет добрый день спасибо вопрос вопросы проблема
    проблемы опять снова работает работают почему
    """
)


def stem(word: str) -> str:
    return word[:STEM_LENGTH]


def significant_stems(text: str) -> set[str]:
    """The words that carry the meaning of a subject, cut to their stems.

    Numbers count when they are long enough to name something (an invoice, error 502).
    """
    stems = set()
    for word in words(text):
        if word in STOP_WORDS:
            continue
        if len(word) < 3:
            continue
        # Numbers and names with digits (invoice 1042, cs1234) are compared whole.
        stems.add(word if any(ch.isdigit() for ch in word) else stem(word))
    return stems


def subjects_similar(new: str, existing: str) -> bool:
    """Whether two subjects are probably about the same problem (P4: one problem, one ticket).

    They share SIMILAR_MIN_SHARED significant words; a one-word subject ("VPS cs1234") is
    similar to a short one that contains the word, not to every subject that does.
    """
    new_stems, old_stems = significant_stems(new), significant_stems(existing)
    shared = new_stems & old_stems
    if len(shared) >= SIMILAR_MIN_SHARED:
        return True
    return len(shared) == 1 and len(new_stems) == 1 and len(old_stems) <= SIMILAR_SHORT_SUBJECT


def similarity(new: str, existing: str) -> int:
    """How many significant words two subjects share (to rank similar tickets)."""
    return len(significant_stems(new) & significant_stems(existing))


# --- subject and description ------------------------------------------------------------


def subject_hints(subject: str) -> list[Hint]:
    if len((subject or "").strip()) > SUBJECT_MAX_CHARS:
        return [
            Hint(
                "subject_long",
                _(
                    "The subject is long. A short title (up to %(max)d characters) is easier "
                    "to find later; put the details into the description."
                )
                % {"max": SUBJECT_MAX_CHARS},
            )
        ]
    return []


_VAGUE_MARKERS = re.compile(
    r"\?|what happened|what'?s (wrong|going on|up)|doesn'?t work|not working|is down|"
    r"help me|please help|не работает|что случилось|что происходит|в ч[её]м дело|почему|"
    r"помогите",
    re.IGNORECASE | re.UNICODE,
)


def content_words(text: str) -> list[str]:
    """The words left after greetings, sign-offs, filler and "something is wrong" words."""
    return [
        w
        for w in words(text)
        if w not in GREETINGS and w not in VAGUE_WORDS and w not in STOP_WORDS
    ]


def is_vague(text: str) -> bool:
    """Only a greeting and a vague question: "Hello, my server is down again, what happened?"."""
    return bool(_VAGUE_MARKERS.search(text or "")) and (
        len(content_words(text)) <= VAGUE_MAX_CONTENT_WORDS
    )


def description_hints(text: str) -> list[Hint]:
    count = len(words(text))
    if count == 0:
        return []
    if is_vague(text):
        return [
            Hint(
                "vague",
                _(
                    "We cannot tell yet what is wrong. Please describe what you see (the exact "
                    "error message), since when, and what you were doing."
                ),
            )
        ]
    if count < DESCRIPTION_MIN_WORDS:
        return [
            Hint(
                "short",
                _(
                    "The description is short. A few more details spare you a round of "
                    "questions: what exactly happens, since when, what changed just before, "
                    "what you already tried."
                ),
            )
        ]
    return []


# --- what each kind of category needs ----------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """Advice given when the text mentions `when` (always, if None) and lacks `unless`."""

    code: str
    text: str | Promise
    unless: re.Pattern
    when: re.Pattern | None = None
    needs_no_attachment: bool = False
    needs_no_service: bool = False


def _re(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE | re.UNICODE)


# Words that describe a fault (as opposed to a how-to question).
PROBLEM = _re(
    r"error|fail|crash|down\b|broken|not work|doesn'?t work|stopped|unreachable|slow|timeout|"
    r"refused|expired|ошибк|сбой|не работает|перестал|упал|лежит|недоступ|не открывается|"
    r"тормоз|не отвечает|не приход|не проход|не запуска"
)

TECHNICAL_RULES = [
    Rule(
        "tech_which",
        _("Which site or server is it? Give its address, IP or name (or pick the service)."),
        unless=_re(
            r"https?://|\b[\w-]+\.[a-zа-я]{2,}\b|\b\d{1,3}(\.\d{1,3}){3}\b|\b[a-z]+\d{2,}\b"
        ),
        needs_no_service=True,
    ),
    Rule(
        "tech_when",
        _("When did it start, and what changed just before (an update, a new setting)?"),
        when=PROBLEM,
        unless=_re(
            r"\bsince\b|today|yesterday|morning|evening|night|\bago\b|\b\d{1,2}[:.]\d{2}\b|"
            r"\bafter\b|\bwhen\b|сегодня|вчера|утр|вечер|ночь|ночью|назад|\bс\s+\d|\bпосле\b|"
            r"\bкогда\b|начал|с тех пор|\bс утра\b|\bпятниц|\bпонедельник"
        ),
    ),
    Rule(
        "tech_network",
        _(
            "For a slow or unreachable server: add the output of ping and traceroute (or mtr) "
            "from your computer to it."
        ),
        when=_re(
            r"unreachable|not reachable|\bdown\b|timeout|timed out|slow|latency|packet loss|"
            r"лежит|упал|"
            r"connection refused|cannot connect|can't connect|недоступ|не открывается|"
            r"не отвечает|тормоз|медленн|потер[ия] пакет|таймаут|не подключ|не могу подключ"
        ),
        # An HTTP status means the server answers: the network is not the problem.
        unless=_re(
            r"traceroute|tracert|\bmtr\b|\bping\b|пинг|\d+(\.\d+)?\s?ms\b|\bttl=|icmp_seq|"
            r"\b[45]\d\d\b"
        ),
    ),
    Rule(
        "tech_logs",
        _(
            "Paste the exact error message or the relevant lines of the log (web server, "
            "system or application log)."
        ),
        when=_re(r"error|fail|crash|exception|\b5\d\d\b|ошибк|сбой|падает|упал|не запуска"),
        unless=_re(
            r"\blog\b|logs|\.log\b|journalctl|traceback|stack ?trace|лог|журнал|"
            r"\"[^\"]{12,}\"|«[^»]{12,}»|:\s*\w[^\n]{20,}\n"
        ),
    ),
    Rule(
        "tech_disk",
        _("For a disk problem: add the SMART data (smartctl -a for each disk) and df -h."),
        when=_re(r"\bdisk|\bssd\b|\bhdd\b|\braid\b|i/o error|\bsmart\b|bad sector|диск|рейд"),
        unless=_re(r"smartctl|smart data|reallocated|df -h|\b\d+\s?%"),
    ),
    Rule(
        "tech_browser",
        _("For a problem with a page: which browser and version, and the link to the page?"),
        when=_re(r"browser|website|web site|\bpage\b|\bsite\b|браузер|сайт|страниц|панел"),
        unless=_re(r"chrome|firefox|safari|edge|opera|yandex|яндекс|браузер \w+ \d|version|верси"),
    ),
    Rule(
        "tech_screenshot",
        _("A screenshot of the error helps us see what you see."),
        when=_re(r"error|shows|display|page|screen|site|ошибк|показыва|страниц|сайт|экран|окн"),
        unless=_re(
            r"screenshot|скриншот|снимок экрана|attached|прилага|во вложении|"
            r"\"[^\"]{12,}\"|«[^»]{12,}»"
        ),
        needs_no_attachment=True,
    ),
]

# Words about paying (as opposed to company details or documents).
PAYMENT = _re(
    r"\bpa(y|id|ying|yment)|charg|refund|debit|invoice|оплат|плат[её]ж|списа|возврат|"
    r"не прош|счет|сч[её]т\b"
)

BILLING_RULES = [
    Rule(
        "billing_invoice",
        _("Which invoice is it? Give its number."),
        when=PAYMENT,
        unless=_re(r"(invoice|inv|счет|счёт|№|#|no\.?)\s*[-:]?\s*\d{2,}|\b\d{4,}\b"),
    ),
    Rule(
        "billing_payment",
        _("How did you pay or mean to pay (card, bank transfer, PayPal...)?"),
        when=PAYMENT,
        unless=_re(
            r"card|transfer|paypal|\bbank|sepa|wire|invoice paid|карт|перевод|банк|сбп|"
            r"платёжк|платежк|поручени|наличн|безнал|оплатил|paid by"
        ),
    ),
    Rule(
        "billing_payment_order",
        _("For a bank transfer, attach the payment order (or its PDF from your bank)."),
        when=_re(r"transfer|\bbank|sepa|wire|перевод|банк|поручени|платёжк|платежк"),
        unless=_re(r"attached|прилага|во вложении|приложил"),
        needs_no_attachment=True,
    ),
]

RULES_BY_KIND: dict[str, list[Rule]] = {
    CategoryKind.TECHNICAL: TECHNICAL_RULES,
    CategoryKind.BILLING: BILLING_RULES,
}


def category_hints(
    kind: str | None, text: str, *, has_attachments: bool = False, has_service: bool = False
) -> list[Hint]:
    """What the team of this kind of category will ask for, unless the text already says it."""
    if not words(text):
        return []
    hints = []
    for rule in RULES_BY_KIND.get(kind or "", []):
        if rule.needs_no_attachment and has_attachments:
            continue
        if rule.needs_no_service and has_service:
            continue
        if rule.when is not None and not rule.when.search(text):
            continue
        if rule.unless.search(text):
            continue
        hints.append(Hint(rule.code, rule.text))
    return hints[:CATEGORY_HINTS_MAX]


def ticket_hints(
    *,
    subject: str,
    description: str,
    kind: str | None = None,
    has_attachments: bool = False,
    has_service: bool = False,
) -> list[Hint]:
    """Every writing hint for a new ticket, most important first."""
    return [
        *description_hints(description),
        *subject_hints(subject),
        *category_hints(
            kind,
            f"{subject}\n{description}",
            has_attachments=has_attachments,
            has_service=has_service,
        ),
    ]
