"""Read paths, one module per area; everything is reachable as tickets.selectors.<name>."""

from tickets.selectors.common import *  # noqa: F403
from tickets.selectors.portal import *  # noqa: F403
from tickets.selectors.staff import *  # noqa: F403
