"""The client's address, by one rule for every throttle and for the login lockout.

Without TRUSTED_PROXY_COUNT the address is the one the connection comes from: X-Forwarded-For is
whatever the client chose to write, and trusting it let a guesser pick a new address for every
wrong token, or lock someone else's address out. With N trusted proxies, each of them appended
the address it was connected from, so the client is the N-th entry from the right; anything to
the left of it was written by the client and is ignored.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    connection = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if not proxies or not forwarded:
        return connection
    candidate = forwarded[-min(proxies, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # not an address: the proxies are not what the setting says
        return connection
