"""Does a From header name one person for sure? (docs/mail-trust.md rule 7, MAIL.md rule 10)

Mail programs show a From header in different ways: `a@x.example<b@evil.example>` shows
as a@x.example in one and is delivered from b@evil.example by another; a display name
`"ceo@bank.example" <evil@evil.example>` shows the address the name spells. Anything that
could be read as two people, or as someone else than the address, is "ambiguous": its
sender is unknown and it is never appended to anybody's ticket. Pure: no database.
"""

from __future__ import annotations

import re
from email import policy

from mailgateway.headers import unfold

SEVERAL_FROM = "several-from"
GROUP = "group"
SEVERAL_ADDRESSES = "several-addresses"
ADDRESS_IN_NAME = "address-in-name"
NO_ADDRESS = "no-address"
INVALID_ADDRESS = "invalid-address"

_ADDRESS_LIKE = re.compile(r"[^\s@<>()\"',;:]+@[^\s@<>()\"',;:]+\.[^\s@<>()\"',;:]+")
_ADDR_SPEC = re.compile(r"^[^\s@<>()\[\],;:\"]+@[^\s@<>()\[\],;:\"]+\.[^\s@<>()\[\],;:\"]+$")


def _has_group(values: list[str]) -> bool:
    """RFC 5322 group syntax (`Name: a@x.example, b@y.example;`), read by the standard
    library's own header parser."""
    for value in values:
        if ":" not in value:
            continue  # no group without a colon; spares the slower parser
        try:
            header = policy.default.header_factory("From", unfold(value))
        except (ValueError, TypeError, IndexError, AttributeError):
            continue  # an unreadable header is judged by the other checks
        if any(group.display_name is not None for group in header.groups):
            return True
    return False


def ambiguous_sender(values: list[str], pairs: list[tuple[str, str]]) -> str:
    """Why the From header is ambiguous (one of the codes above), or "" when it names one
    address. `values` are the raw From headers, `pairs` the (name, address) pairs our
    lenient address parser found in them."""
    values = [str(v) for v in values]
    if len(values) > 1:
        return SEVERAL_FROM
    if not values or not any(address for _name, address in pairs):
        return NO_ADDRESS
    if _has_group(values):
        return GROUP
    if len(pairs) > 1:  # two addresses, or a name and an address ("Doe, John <j@x>")
        return SEVERAL_ADDRESSES
    name, address = pairs[0]
    if not _ADDR_SPEC.match(address):
        return INVALID_ADDRESS
    if any(found.lower() != address for found in _ADDRESS_LIKE.findall(name)):
        return ADDRESS_IN_NAME
    return ""
