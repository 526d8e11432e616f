"""Two-factor helpers: codes computed as an authenticator app would (RFC 6238)."""

from __future__ import annotations

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The six digits the app shows now (or so many 30-second steps later)."""
    return f"{totp(device.bin_key, step=device.step, digits=device.digits, drift=steps_ahead):06d}"


def enable(user) -> tuple[TOTPDevice, list[str]]:
    """The person sets up his app with the code it shows; returns it and the recovery codes."""
    device = services.totp_device_pending(actor=user)
    codes = services.two_factor_enable(actor=user, device=device, code=code(device))
    assert codes is not None
    return device, codes
