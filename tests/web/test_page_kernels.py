"""A preheated kernel handed to a visitor is not culled before the visitor's page connects.

Voila shields a kernel from culling only while it waits in its pool. One that
waited longer than the cull timeout was culled by the next sweep after Voila took
it for a visitor (the browser tests saw it: the page never got its widgets).
:class:`pmwidgets.web.kernels.PageKernels` starts the idle clock when the culler
first sees the kernel out of the pool. Real kernels, started and culled here.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

from pmwidgets.web.kernels import PageKernels


async def _culled(manager: type[AsyncMappingKernelManager], folder: Path) -> list[bool]:
    """Whether the kernel is gone after each of three sweeps (the second at once, the third
    once the timeout has passed), for a kernel that waited ten minutes before it was handed
    out. The third sweep is repeated, a second apart, for up to 60 s: on a loaded machine
    the kernel's last messages after starting can reset its idle clock a little late."""
    km = manager(cull_idle_timeout=1, connection_dir=str(folder))
    kernel_id = await km.start_kernel()
    try:
        await km.get_kernel(kernel_id).ready
        km.get_kernel(kernel_id).last_activity -= dt.timedelta(minutes=10)  # waited in the pool
        gone = []
        for _sweep in range(2):
            if kernel_id in km:
                await km.cull_kernel_if_idle(kernel_id)
            gone.append(kernel_id not in km)
        for _second in range(60):
            await asyncio.sleep(1.0)
            if kernel_id not in km:
                break
            await km.cull_kernel_if_idle(kernel_id)
        gone.append(kernel_id not in km)
        return gone
    finally:
        await km.shutdown_all()


def test_a_kernel_that_waited_in_the_pool_is_not_culled_when_handed_out(tmp_path: Path) -> None:
    assert asyncio.run(_culled(PageKernels, tmp_path)) == [False, False, True]


def test_without_it_the_next_sweep_culls_the_kernel_at_once(tmp_path: Path) -> None:
    """The failure this guards against, with Jupyter Server's own manager."""
    assert asyncio.run(_culled(AsyncMappingKernelManager, tmp_path)) == [True, True, True]


def test_pmw_serve_uses_it() -> None:
    from pmwidgets.web.server import voila_argv

    argv = voila_argv(Path("notebooks"), 8866)
    assert (
        f"--VoilaConfiguration.multi_kernel_manager_class={PageKernels.__module__}.PageKernels"
        in argv
    )


def test_a_kernel_shut_down_during_a_sweep_is_passed_over(tmp_path: Path) -> None:
    """The culler lists the kernels, then culls each: a page closed in between (its
    beacon shut the kernel down) was a KeyError traceback in the server log."""

    async def sweep_after_shutdown() -> bool:
        km = PageKernels(cull_idle_timeout=1, connection_dir=str(tmp_path))
        kernel_id = await km.start_kernel()
        await km.get_kernel(kernel_id).ready
        await km.shutdown_kernel(kernel_id)
        await km.cull_kernel_if_idle(kernel_id)  # must not raise
        return kernel_id not in km

    assert asyncio.run(sweep_after_shutdown())
