"""The page kernels' manager: culling, and closing a page with a reason.

**A preheated kernel is not culled as it is handed to a visitor.** Voila keeps one
preheated kernel per notebook and shields it from culling while it waits in its
pool. A kernel that waited longer than the cull timeout counts as idle for all
that time: when Voila takes it from the pool for a visitor, the culler's next
sweep may come before the browser has connected, and shuts it down (the browser
tests caught one page in about a hundred). Here a kernel's idle time starts when
the culler first sees it out of the pool.

**An open page that nobody uses is closed too.** A page whose websocket is held
open, by a browser tab left alone or by a script, sends no widget messages; after
:attr:`PageKernels.open_page_idle_seconds` without any its kernel is shut down
and the page is told why. A page with no websocket at all is culled after the
(shorter) cull timeout, as before.

**Every shutdown hangs up the page's websockets with the reason set for it**
(:mod:`pmwidgets.web.owners`) and forgets the kernel's owner.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Int

from .owners import IDLE, OWNERS, fingerprint


class PageKernels(AsyncMappingKernelManager):
    """Jupyter Server's kernel manager with pmwidgets' culling and closing.

    Voila builds its own manager on top of this class
    (``VoilaConfiguration.multi_kernel_manager_class``); that manager returns
    before calling :meth:`cull_kernel_if_idle` here while the kernel is in the pool.
    """

    open_page_idle_seconds = Int(
        1800, help="Close a page whose websocket is open but has sent nothing for this long."
    ).tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._seen: set[str] = set()

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        """Cull ``kernel_id`` if idle, counting from when it was first seen out of the pool."""
        self._seen &= set(self._kernels)  # forget kernels that are gone
        kernel = self._kernels.get(kernel_id)
        if kernel is None:  # shut down since the sweep listed it (a closed page's beacon)
            return
        if kernel_id not in self._seen:
            self._seen.add(kernel_id)
            if hasattr(kernel, "last_activity"):
                kernel.last_activity = utcnow()
                return
        if self._kernel_connections.get(kernel_id, 0):
            await self._close_if_unused(kernel_id, kernel)
            return
        await super().cull_kernel_if_idle(kernel_id)

    async def _close_if_unused(self, kernel_id: str, kernel: Any) -> None:
        last = getattr(kernel, "last_activity", None)
        if last is None or getattr(kernel, "execution_state", "") == "busy":
            return
        idle = utcnow() - last
        if idle <= dt.timedelta(seconds=self.open_page_idle_seconds):
            return
        minutes = max(1, self.open_page_idle_seconds // 60)
        unit = "minute" if minutes == 1 else "minutes"
        OWNERS.closing(
            kernel_id,
            IDLE,
            f"This page was closed after {minutes} {unit} without use. "
            "Reload it to carry on: what you saved is kept.",
        )
        self.log.warning(
            "Closing page %s: open but unused for %d s", fingerprint(kernel_id), idle.seconds
        )
        await self.shutdown_kernel(kernel_id)

    async def shutdown_kernel(  # type: ignore[override]
        self, kernel_id: str, *args: Any, **kwargs: Any
    ) -> None:
        """Hang up the page's websockets (with its reason), forget its owner, stop the kernel."""
        OWNERS.hang_up(kernel_id)
        OWNERS.forget(kernel_id)
        await super().shutdown_kernel(kernel_id, *args, **kwargs)


async def close_page(manager: Any, kernel_id: str, code: int, reason: str) -> None:
    """Close one page from the server: its page is told ``reason``, its kernel stops."""
    OWNERS.closing(kernel_id, code, reason)
    if kernel_id in manager:
        await manager.shutdown_kernel(kernel_id)
    else:
        OWNERS.hang_up(kernel_id)
        OWNERS.forget(kernel_id)
