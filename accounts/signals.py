"""Keeps the cached answer of selectors.has_two_factor true to the database.

Devices change through our services and through the admin (an administrator deletes the
device of someone who lost his phone): either way the answer is forgotten after commit.
Signing in asks afresh.
"""

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import selectors


@receiver(post_save, sender=TOTPDevice)
@receiver(post_delete, sender=TOTPDevice)
def _two_factor_changed(sender, instance: TOTPDevice, **kwargs) -> None:
    user_id = instance.user_id
    transaction.on_commit(lambda: selectors.forget_two_factor_of(user_id))


@receiver(user_logged_in)
def _two_factor_known_at_sign_in(sender, request, user, **kwargs) -> None:
    """Asked once at sign-in, so that the pages after it cost no query for it."""
    selectors.has_two_factor(user, cached=False)
