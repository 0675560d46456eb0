"""Rate limits (the ``limits`` library): per conversation on messages and on opening
handoffs, per address on the web chat. In memory by default; ``ORIENTA_RATE_LIMIT_STORAGE``
(e.g. ``redis://127.0.0.1:6379/1``) shares them between instances."""

from __future__ import annotations

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from orienta.settings import Settings


class RateLimits:
    def __init__(self, settings: Settings) -> None:
        self.limiter = MovingWindowRateLimiter(storage_from_string(settings.rate_limit_storage))
        self.rules = {
            "message": parse(settings.rate_limit_messages),
            "handoff": parse(settings.rate_limit_handoffs),
            "address": parse(settings.rate_limit_address),
            "poll": parse(settings.rate_limit_polls),
        }

    def allow(self, rule: str, key: str) -> bool:
        """Count one more ``rule`` event for ``key``: False once over the limit."""
        return bool(self.limiter.hit(self.rules[rule], rule, key))
