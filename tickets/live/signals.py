"""Signing out ends an agent's presence at once, so round-robin passes him over."""

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from tickets.live.services import agent_signed_out


@receiver(user_logged_out)
def _presence_ends(sender, request, user, **kwargs) -> None:
    if user is not None and user.is_agent:
        agent_signed_out(actor=user)
