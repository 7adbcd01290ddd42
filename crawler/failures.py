"""What a failed request tells the audit: an error line and, for access barriers only, a restriction.

Scrapy signals very different things with `IgnoreRequest`: robots.txt, a redirect loop, a
decompression bomb, our own scope refusals. Only the first is the site's robots.txt; blaming it
for the others would tell an agency something false about its own site.
"""

from __future__ import annotations

from twisted.python.failure import Failure

ROBOTS = "blocked by robots.txt"
REDIRECT_LOOP = "redirect loop or chain too long"
TOO_LARGE = "response larger than the download size cap"

# errors after which a link's target was never actually asked: the link is unchecked, not broken
UNCHECKED_PREFIXES = (ROBOTS, "refused:", "redirect to ", "off-site redirect", TOO_LARGE)


def describe(failure: Failure) -> tuple[str, str | None]:
    """(error, restricted) for a failure that carried no HTTP response."""
    from crawler.scope import ScopeRefusal

    value = failure.value
    # Scrapy's DownloadFailedError wraps Twisted's ResponseFailed, which lists the real causes
    reasons = getattr(value, "reasons", None) or getattr(value.__cause__, "reasons", None)
    if reasons and isinstance(reasons[0], Failure):
        failure, value = reasons[0], reasons[0].value
    message = failure.getErrorMessage()
    name = failure.type.__name__ if failure.type else "Error"
    if not message.strip() and "DataLoss" in name:
        message = "the connection closed before the body its Content-Length announced"
    if isinstance(value, ScopeRefusal):
        return str(value)[:500], None
    if name == "IgnoreRequest":
        low = message.lower()
        if "robots.txt" in low:
            return ROBOTS, ROBOTS
        if "max redirections" in low:
            return f"{REDIRECT_LOOP} ({message})"[:500], None
        if "download_maxsize" in low or "max size" in low or "decompress" in low:
            return f"{TOO_LARGE} ({message})"[:500], None
        return f"IgnoreRequest: {message}"[:500], None
    if "DNS" in name or "Resolve" in name:  # `crawler.scope.GuardedResolver` refused the answer
        from crawler.scope import refusal_in

        refusal = message[message.index("refused:"):] if "refused:" in message else refusal_in(message)
        if refusal:
            return refusal[:500], None
    if name in ("DownloadCancelledError", "CancelledError") and "max" in message.lower():
        return f"{TOO_LARGE} ({message})"[:500], None
    return f"{name}: {message}"[:500], None


def is_unchecked(error: str | None) -> bool:
    """True when a link check's error means the target was never asked (robots, refusal, size cap)."""
    return bool(error) and error.startswith(UNCHECKED_PREFIXES)
