"""The scratch cell: code a page runs in the notebook's runtime without keeping it.

It runs on the session's side client (execution.introspection) with ``store_history=False`` and
no stdin; its outputs go, as nbformat output dicts, to the page that ran it alone
(``scratch_output``), then ``scratch_reply``. Nothing of it is written into the notebook. The
kernel runs one request at a time, so a scratch run waits for the running cell and a cell run
after it waits for it; the page's Interrupt stops it as it stops a cell.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nbcloud.hub.execution.event_messages import HubMessage, ScratchReply
from nbcloud.hub.execution.introspection import SideRequestFailed, SideRequests


async def run_scratch(side: SideRequests, request_id: str, code: str,
                      send: Callable[[HubMessage], None]) -> ScratchReply:
    """Run ``code``; its outputs go to ``send`` as they come; the reply to send last."""

    def emit(output: dict[str, Any]) -> None:
        send({"type": "scratch_output", "request_id": request_id, "output": output})

    try:
        content = await side.scratch(code, emit)
    except SideRequestFailed as failed:
        return {"type": "scratch_reply", "request_id": request_id, "status": "error", "execution_count": None,
                "error": str(failed)}
    # ``obj?`` in a scratch cell: its help page is shown as the scratch cell's output.
    for page in help_pages(content):
        emit({"output_type": "display_data", "data": page, "metadata": {}})
    status = content.get("status")
    count = content.get("execution_count")
    reply: ScratchReply = {
        "type": "scratch_reply", "request_id": request_id,
        "status": status if status in ("ok", "error", "aborted") else "error",
        "execution_count": count if isinstance(count, int) else None,
    }
    if status == "error":
        reply["error"] = f"{content.get('ename', 'Error')}: {content.get('evalue', '')}"
    return reply


def help_pages(reply_content: dict[str, Any]) -> list[dict[str, str]]:
    """The pager pages (``obj?``, ``obj??``, ``%pinfo``) of an execute reply, as mime bundles."""
    pages = []
    for payload in reply_content.get("payload") or []:
        if not isinstance(payload, dict) or payload.get("source") != "page":
            continue
        data = payload.get("data") or {}
        kept = {k: v for k, v in data.items() if k in ("text/plain", "text/html") and isinstance(v, str)}
        if kept.get("text/plain") is not None:
            pages.append(kept)
    return pages
