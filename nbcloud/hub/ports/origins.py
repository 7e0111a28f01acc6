"""Each port link has an origin of its own: ``p-<token>.<domain>[:port]``, as Colab serves each
port on an origin of its own.

On its own origin a web app works as it does on its machine (absolute paths, cookies of its own,
WebSockets, service workers) and shares nothing with the hub: the hub's cookies are host-only on
the hub's host, so the browser never sends them there, and the app's cookies stay on its host.

The domain is the setting ``port_domain`` (a wildcard DNS name with a wildcard TLS certificate,
e.g. ``apps.example.org``) or, when empty, the host name the hub was reached by. Browsers resolve
every ``*.localhost`` name to this machine, so a hub at ``localhost:8000`` or ``127.0.0.1:8000``
gives links like ``http://p-<token>.localhost:8000/`` with no setup. A hub reached by another IP
address and no ``port_domain`` has no names to give: its links stay on the hub's origin, under
``/api/runtimes/proxy/<token>/``, in an opaque sandboxed origin (see ``proxy``).

Tokens are lower-case base32, so they survive browsers lower-casing host names.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

LABEL_PREFIX = "p-"
# A host whose first label looks like this is a port link's, never the hub's.
_APP_LABEL = re.compile(r"^p-[a-z0-9-]+$")
TOKEN_RE = re.compile(r"^[a-z2-7]{52}$")


@dataclass(frozen=True)
class AppHost:
    """A request to a port link's origin; ``token`` is None when the name holds none that could be one."""

    token: str | None


def split_host(host_header: str) -> tuple[str, str]:
    """(host name, port or ""), the name lower-cased without a trailing dot."""
    value = host_header.strip()
    if value.startswith("["):  # [::1]:8000
        name, _, rest = value[1:].partition("]")
        return name.lower(), rest[1:] if rest.startswith(":") else ""
    name, colon, port = value.rpartition(":")
    if not colon or not port.isdigit():
        name, port = value, ""
    return name.lower().rstrip("."), port


def app_host(host_header: str, port_domain: str = "") -> AppHost | None:
    """The port link a request's Host names, or None when it is addressed to the hub itself.

    A first label ``p-<token>`` is a link's on any domain (a token-shaped label is never the hub's);
    under ``port_domain`` every ``p-...`` name is, so a mistyped one gets a clear page, not the hub.
    """
    name, _ = split_host(host_header)
    label, dot, rest = name.partition(".")
    if not dot or not rest or not label.startswith(LABEL_PREFIX):
        return None
    token = label[len(LABEL_PREFIX):]
    if TOKEN_RE.match(token):
        return AppHost(token)
    domain = _domain_name(port_domain)
    if domain and rest == domain and _APP_LABEL.match(label):
        return AppHost(None)
    return None


def _domain_name(port_domain: str) -> str:
    name, _ = split_host(port_domain.strip().removeprefix("*.").strip("."))
    return name


def link_origin(token: str, *, scheme: str, hub_host: str, port_domain: str = "") -> str | None:
    """``scheme://p-<token>.<domain>[:port]`` for a link minted on a request to ``hub_host`` (its
    Host header), or None when there is no name to give it (an IP address other than loopback and
    no ``port_domain``)."""
    return _own_origin(LABEL_PREFIX + token, scheme=scheme, hub_host=hub_host, port_domain=port_domain)


def _own_origin(label: str, *, scheme: str, hub_host: str, port_domain: str) -> str | None:
    """``scheme://<label>.<domain>[:port]`` by the naming rules above (port links', output frames')."""
    hub_name, hub_port = split_host(hub_host)
    if port_domain.strip():
        name, port = split_host(port_domain.strip().removeprefix("*.").strip("."))
        port = port or hub_port
    else:
        name, port = hub_name, hub_port
        try:
            address = ipaddress.ip_address(name)
        except ValueError:
            address = None
        if address is not None:
            if not address.is_loopback:
                return None
            name = "localhost"  # *.localhost is loopback in browsers; an IP has no subdomains
    if not name:
        return None
    scheme = "https" if scheme in ("https", "wss") else "http"
    default = "443" if scheme == "https" else "80"
    return f"{scheme}://{label}.{name}" + (f":{port}" if port and port != default else "")


# ----- output frames -------------------------------------------------------------------------------
# Each output frame (an output that may carry script) is shown from an origin of its own,
# ``f-<token>.<domain>[:port]``, named as port links are, as Colab shows each output from an origin
# of its own (googleusercontent.com): a real origin, so the browser lets it ask for the camera and
# microphone (Chromium refuses getUserMedia in any opaque origin) and gives it storage of its own,
# while the hub's cookies (host-only on the hub's host) never go there. The page picks a random
# token per frame, so no two outputs share an origin (or each other's storage). The token is no
# credential: every such host serves the same static frame page and nothing else.

FRAME_LABEL_PREFIX = "f-"
FRAME_TOKEN_RE = re.compile(r"^[a-z2-7]{26}$")  # 128 random bits, lower-case base32


def frame_host(host_header: str) -> bool:
    """True when a request's Host names an output frame's origin (``f-<token>.<anything>``)."""
    name, _ = split_host(host_header)
    label, dot, rest = name.partition(".")
    return bool(dot and rest and label.startswith(FRAME_LABEL_PREFIX)
                and FRAME_TOKEN_RE.match(label[len(FRAME_LABEL_PREFIX):]))


def frame_origin_template(*, scheme: str, hub_host: str, port_domain: str = "") -> str | None:
    """``scheme://f-{token}.<domain>[:port]`` for a page served on ``hub_host``; the page puts a
    random token in place of ``{token}``. None where there is no name to give (a hub reached by an
    IP address other than loopback, no ``port_domain``): output frames then stay opaque-origin
    sandboxed on the hub's own origin, and cannot use the camera or microphone."""
    return _own_origin(FRAME_LABEL_PREFIX + "{token}", scheme=scheme, hub_host=hub_host, port_domain=port_domain)


def frame_source(*, scheme: str, hub_host: str, port_domain: str = "") -> str | None:
    """The CSP source that matches every output frame origin of a page on ``hub_host``
    (``scheme://*.<domain>[:port]``), for the page's ``frame-src``."""
    return _own_origin("*", scheme=scheme, hub_host=hub_host, port_domain=port_domain)


def frame_parent(parent: str, frame_host_header: str, *, port_domain: str = "") -> str | None:
    """The page origin ``parent`` (``scheme://host[:port]``) normalised, when a hub page at that origin
    would have named this frame's host; else None.

    The frame's page sets ``frame-ancestors`` to it and posts to it alone. Without ``port_domain``
    that pins the parent to the hub's own host (or a loopback one, for ``*.localhost`` frames);
    with ``port_domain`` any origin but a port link's or another frame's would name it, so the
    parent is the one the page says (the wildcard domain holds nothing of the hub's either way).
    """
    scheme, sep, netloc = parent.strip().partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in ("http", "https") or not netloc or any(c in netloc for c in "/?#@\\ "):
        return None
    if frame_host(netloc) or app_host(netloc, port_domain) is not None:
        return None
    name, port = split_host(netloc)
    if not name or (port and not port.isdigit()):
        return None
    host_name, _ = split_host(frame_host_header)
    label = host_name.partition(".")[0]
    if not frame_host(frame_host_header):
        return None
    named = _own_origin(label, scheme=scheme, hub_host=netloc, port_domain=port_domain)
    # The frame's own origin as the browser sees it: its Host, on the parent's scheme.
    default = "443" if scheme == "https" else "80"
    _, frame_port = split_host(frame_host_header)
    seen = f"{scheme}://{host_name}" + (f":{frame_port}" if frame_port and frame_port != default else "")
    if named is None or named != seen:
        return None
    bracketed = f"[{name}]" if ":" in name else name
    return f"{scheme}://{bracketed}" + (f":{port}" if port and port != default else "")
