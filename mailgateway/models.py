"""Models of the mail gateway. The outbound half keeps its own in mailgateway.outbound."""

from mailgateway.outbound.models import OutboundMail, OutboundStatus, Suppression

__all__ = ["OutboundMail", "OutboundStatus", "Suppression"]
