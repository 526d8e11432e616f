from django.conf import settings
from django.core.checks import Error, register

from tickets.uploads import KNOWN_TYPES


@register()
def attachment_types_known(app_configs, **kwargs) -> list[Error]:
    """ATTACHMENT_ALLOWED_TYPES names kinds we can recognise, or full content types."""
    unknown = [
        name
        for name in settings.ATTACHMENT_ALLOWED_TYPES
        if name.strip().lower() not in KNOWN_TYPES and "/" not in name
    ]
    return (
        [
            Error(
                f"ATTACHMENT_ALLOWED_TYPES names unknown kinds: {', '.join(unknown)}",
                hint=f"Use {', '.join(sorted(KNOWN_TYPES))} or content types (image/bmp).",
                id="tickets.E001",
            )
        ]
        if unknown
        else []
    )
