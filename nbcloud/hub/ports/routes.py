"""``POST /api/notebooks/{item_id}/ports``: a link to a web server in the notebook's runtime.

The page asks for it when an output calls ``google.colab.kernel.proxyPort(port)`` (which is what
``google.colab.output.serve_kernel_port_as_iframe`` / ``_as_window`` display): the request carries
the signed-in person's session and CSRF token, the notebook must be one they may run, and the link
is bound to them, to the notebook's current runtime and to the port. Its URL is an origin of its
own, ``p-<token>.<port_domain or the hub's host name>`` (``origins``), where there is one to give.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from nbcloud.hub.context import get_hub
from nbcloud.hub.errors import Conflict, Forbidden
from nbcloud.hub.http.dependencies import CurrentUser
from nbcloud.hub.ports.origins import link_origin
from nbcloud.hub.ports.proxy import PREFIX

router = APIRouter(prefix="/api/notebooks", tags=["notebooks"])


class PortRequest(BaseModel):
    port: int = Field(ge=1, le=65535)


class PortLinkOut(BaseModel):
    # The link's own origin, "http://p-<token>.localhost:8000/"; or, where the hub has no name to
    # give it (reached by a non-loopback IP address, no port_domain), a path on the hub ending in "/".
    url: str
    port: int
    expires_at: str  # ISO 8601, UTC


@router.post("/{item_id}/ports", status_code=201, response_model=PortLinkOut)
async def port_link(item_id: str, body: PortRequest, request: Request, user: CurrentUser) -> PortLinkOut:
    """A short-lived link that reverse-proxies to ``body.port`` of this notebook's runtime.

    404 ``not_found``: no such notebook, or not one this person may run. 409 ``no_runtime``: the
    notebook has no runtime now. 403 ``port_not_yours``: something outside the runtime (another
    runtime, the hub) listens on that port. A port nobody listens on yet is fine: the server may
    still be starting, and every request through the link checks again.
    """
    hub = get_hub(request)
    session = await hub.execution.session(item_id, user.id)  # 404 / 422 when it is not yours
    # The pool's, not the session's: the pool lets go of a runtime as soon as it is shut down.
    runtime = hub.execution.pool.get(session.owner_id, item_id)
    if runtime is None or session.runtime is not runtime:
        raise Conflict("This notebook has no runtime now. Run the cell that starts your server, "
                       "then show it again.", code="no_runtime")
    check = await hub.ports.check(runtime, body.port)
    if check.owner == "other":
        raise Forbidden(f"Port {body.port} is in use by something outside this notebook's "
                        "runtime. nbcloud only shows a web server that this runtime runs; pick another port.",
                        code="port_not_yours")
    link = hub.ports.mint(user_id=user.id, item_id=item_id, owner_id=session.owner_id, runtime=runtime,
                          port=body.port)
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=hub.ports.lifetime)
    origin = link_origin(link.token, scheme=request.url.scheme, hub_host=request.headers.get("host", ""),
                         port_domain=hub.settings.port_domain)
    url = f"{origin}/" if origin else f"{request.scope.get('root_path', '')}{PREFIX}{link.token}/"
    return PortLinkOut(url=url, port=body.port,
                       expires_at=expires.isoformat().replace("+00:00", "Z"))
