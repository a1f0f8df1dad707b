"""Behind a reverse proxy: the real client's address, scheme and host, taken from the
``X-Forwarded-*`` headers only when the request comes from one of the trusted proxies.

Everything keyed by the client (budgets, the access log) and every address the service writes
(VoID, the service description, the sitemap) then follows the real client. The same headers
from any other address change nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import TYPE_CHECKING

from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class TrustedProxies:
    """WSGI middleware applying werkzeug's ``ProxyFix`` to requests from trusted proxies only."""

    def __init__(self, app: WSGIApplication, networks: Sequence[IPv4Network | IPv6Network]) -> None:
        self.app = app
        self.networks = tuple(networks)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Pass the request on, with the client's own address, scheme and host where a trusted
        proxy tells them."""
        if not self.trusted(environ.get("REMOTE_ADDR", "")):
            return self.app(environ, start_response)
        fix = ProxyFix(self.app, x_for=self.hops(environ), x_proto=1, x_host=1, x_port=1)
        return fix(environ, start_response)

    def hops(self, environ: WSGIEnvironment) -> int:
        """How far back in ``X-Forwarded-For`` the client is: each proxy appends the address it
        was reached from, so read from the right, past the trusted proxies, to the first
        address that is not one (as nginx's ``real_ip_recursive`` does)."""
        forwarded = [
            address.strip()
            for address in environ.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        hops = 0
        for address in reversed(forwarded):
            hops += 1
            if not self.trusted(address):
                break
        return hops

    def trusted(self, address: str) -> bool:
        """Whether ``address`` is one of the trusted proxies."""
        try:
            parsed = ip_address(address)
        except ValueError:
            return False
        return any(parsed in network for network in self.networks)
