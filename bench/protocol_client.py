"""Streamlit sessions driven at the protocol level, without a browser: the benchmark's concurrency
figure measures the server, not ten browsers competing with it for the same cores.

A session is what a browser tab opens: a websocket to /_stcore/stream on which the client sends
a BackMsg asking to run a page with a query string (the filters, as a shared link carries them),
and the server streams ForwardMsgs (the page's elements) until `script_finished`. The time from
the request to that message is the server's time for the run, plus a loopback round trip.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


@dataclass
class Run:
    """One page run as a session saw it: its time, the texts drawn, and whether it finished."""

    seconds: float
    texts: list[str] = field(default_factory=list)
    finished: bool = False


def _texts(message: ForwardMsg) -> list[str]:
    """The visible texts of one delta: Markdown (captions included), headings and plain text."""
    element = message.delta.new_element
    kind = element.WhichOneof("type")
    if kind in ("markdown", "heading", "text"):
        return [getattr(element, kind).body]
    return []


async def run_page(url: str, page: str, query: str, timeout: float = 180) -> Run:
    """Open a new session on `url` (http://host:port), run `page` with `query`, and wait for the
    run to finish (or `timeout`)."""
    request = BackMsg()
    request.rerun_script.query_string = query
    request.rerun_script.page_name = page
    ws_url = url.replace("http://", "ws://", 1) + "/_stcore/stream"
    async with websockets.connect(ws_url, subprotocols=["streamlit"], origin=url, max_size=None) as socket:
        start = time.perf_counter()
        await socket.send(request.SerializeToString())
        run = Run(seconds=float("nan"))
        try:
            async with asyncio.timeout(timeout):
                async for raw in socket:
                    message = ForwardMsg()
                    message.ParseFromString(raw)
                    kind = message.WhichOneof("type")
                    if kind == "delta":
                        run.texts += _texts(message)
                    elif kind == "script_finished":
                        run.finished = True
                        break
        except TimeoutError:
            pass
        run.seconds = time.perf_counter() - start
        return run
