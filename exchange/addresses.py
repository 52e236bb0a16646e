"""Where webhooks may go: HTTPS addresses whose host resolves only to public addresses — never
the platform's own network (private, loopback, link-local, shared, reserved ranges).

Checked at registration, and again at each delivery against the address actually connected to
(``post``), so that a name re-pointed to a private address later (DNS rebinding) reaches nothing:
the connection goes to the address just checked, the certificate is verified for the name.

``settings.WEBHOOK_ALLOW_INSECURE_TEST_HOSTS`` (absent from config/settings.py: tests only) lets
``http://`` and loopback addresses through, for a local test server.
"""

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class AddressRefused(ValueError):
    """``str(error)`` is the French reason."""


def _insecure_allowed():
    return getattr(settings, "WEBHOOK_ALLOW_INSECURE_TEST_HOSTS", False)


def is_public(address):
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host, port):
    """Every address ``host`` resolves to (AddressRefused when it resolves to none)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise AddressRefused(_("Le nom de l'hôte ne se résout pas."))
    return sorted({info[4][0] for info in infos})


def check(url):
    """(scheme, host, port, path, public address) of an acceptable webhook URL; AddressRefused
    with the French reason otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise AddressRefused(_("Adresse invalide."))
    insecure = _insecure_allowed()
    if parts.scheme != "https" and not (insecure and parts.scheme == "http"):
        raise AddressRefused(_("Seules les adresses HTTPS sont acceptées."))
    if not parts.hostname:
        raise AddressRefused(_("Adresse invalide."))
    if parts.username or parts.password:
        raise AddressRefused(_("L'adresse ne doit pas contenir d'identifiants."))
    port = port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(parts.hostname, port)
    if not insecure and not all(is_public(address) for address in addresses):
        raise AddressRefused(
            _(
                "Cette adresse mène à un réseau privé, local ou réservé : seules les adresses "
                "publiques sont acceptées."
            )
        )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return parts.scheme, parts.hostname, port, path, addresses[0]


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a given address, the certificate checked for the host name."""

    def __init__(self, host, address, port, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, address, port, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def post(url, body, headers, *, timeout=10):
    """POSTs ``body`` (bytes) to ``url`` after checking it again; returns the status code.
    Redirections are not followed (a 3xx is a failure)."""
    scheme, host, port, path, address = check(url)
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, address, port, timeout)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(65536)
        return response.status
    finally:
        connection.close()
