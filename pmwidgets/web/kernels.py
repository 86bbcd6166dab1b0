"""The page kernels' manager: a preheated kernel is not culled as it is handed to a visitor.

Voila keeps one preheated kernel per notebook and shields it from culling while
it waits in its pool. A kernel that waited longer than the cull timeout (two
minutes, usually) counts as idle for all that time: when Voila takes it from the
pool for a visitor, the culler's next sweep may come before the kernel has
heard the request or the browser has connected (about a second), and shuts it
down. The visitor's page then never gets its widgets (the browser tests caught
one page in about a hundred: "Culling 'idle' kernel … due to 62 seconds of
inactivity", 0.1 s after "Using pre-heated kernel"). Here a kernel's idle time
starts when the culler first sees it out of the pool, so a page that never
connects is still culled, one timeout later.
"""

from __future__ import annotations

from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager


class PageKernels(AsyncMappingKernelManager):
    """Jupyter Server's kernel manager, whose idle clock starts when a kernel leaves the pool.

    Voila builds its own manager on top of this class
    (``VoilaConfiguration.multi_kernel_manager_class``); that manager returns
    before calling :meth:`cull_kernel_if_idle` here while the kernel is in the pool.
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._seen: set[str] = set()

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        """Cull ``kernel_id`` if idle, counting from when it was first seen out of the pool."""
        self._seen &= set(self._kernels)  # forget kernels that are gone
        if kernel_id not in self._seen:
            self._seen.add(kernel_id)
            kernel = self._kernels.get(kernel_id)
            if kernel is not None and hasattr(kernel, "last_activity"):
                kernel.last_activity = utcnow()
                return
        await super().cull_kernel_if_idle(kernel_id)
