"""Our own addresses: every department's inbound and sender addresses (R9, MAIL.md).

Both halves of the gateway ask: inbound mail to route it and to spot mail from ourselves,
outbound mail never to send automatic mail to ourselves.
"""

from __future__ import annotations

import time

from django.conf import settings

from accounts.models import normalize_email
from tickets.models import Department, DepartmentAddress


def base_address(address: str) -> str:
    """support+anything@example.com -> support@example.com (plus-addressing)."""
    local, at, domain = normalize_email(address).rpartition("@")
    if not at:
        return normalize_email(address)
    return f"{local.split('+', 1)[0]}@{domain}"


# Our addresses change rarely and are read for every mail: each process keeps them for
# a minute. A change in this process (the admin) clears them at once (apps.py).
ADDRESSES_TTL = 60.0
_addresses: tuple[float, dict[str, Department]] | None = None


def our_addresses() -> dict[str, Department]:
    """Every address of ours (inbound and sender addresses) and its department."""
    global _addresses
    now = time.monotonic()
    if _addresses is None or now - _addresses[0] > ADDRESSES_TTL:
        _addresses = (now, _load_addresses())
    return _addresses[1]


def forget_addresses(**kwargs) -> None:
    global _addresses
    _addresses = None


def _load_addresses() -> dict[str, Department]:
    ours: dict[str, Department] = {}
    addresses = DepartmentAddress.objects.select_related("department")
    for row in addresses:
        ours[normalize_email(row.address)] = row.department
    for department in Department.objects.exclude(sender_address=""):
        ours.setdefault(normalize_email(department.sender_address), department)
    return ours


def is_ours(address: str, ours: dict[str, Department]) -> bool:
    return normalize_email(address) in ours or base_address(address) in ours


def is_bounce_address(address: str) -> bool:
    """The VERP bounce address (MAIL_BOUNCE_ADDRESS) or one of its plus-addresses."""
    bounces = settings.MAIL_BOUNCE_ADDRESS
    return bool(bounces) and base_address(address) == normalize_email(bounces)
