"""What a write made: its result, the version it made, and the workbook as it left it.

Every write use case (:mod:`.drafting`, :mod:`.following`, :mod:`.agreeing`) returns a
:class:`Written`, so a page that shows the workbook after a save does not read it
again: the state comes with the write, read where the acting person's access and whose
private notes they may see are known. :class:`~.api.Services` offers each use case as
a method returning :attr:`Written.result` alone (the new version, the new record's
number, where the agreement stands), as scripts and the command line use it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Concatenate, Generic, ParamSpec, TypeVar

from ..domain.state import WorkbookState
from . import access

if TYPE_CHECKING:
    from .base import ServiceBase

_T = TypeVar("_T")
_P = ParamSpec("_P")
_S = TypeVar("_S", bound="ServiceBase")


@dataclass(frozen=True)
class Written(Generic[_T]):
    """What one write made.

    Attributes
    ----------
    result:
        What the use case returns to scripts: the new version, the number of the record
        it added, or where the agreement stands after a confirmation.
    version:
        The version the write made (the one it started from when it changed nothing).
    state:
        The workbook as the acting person sees it right after the write: their own
        private notes only, and nobody's on a shared screen (as
        :meth:`~.api.Services.open` shows it). Read on first use: the store keeps what
        a committed write made, so that costs one header row. If someone else saved
        in between, their save is in it too (its version is then above ``version``).
    """

    result: _T
    version: int
    read: Callable[[], WorkbookState] = field(repr=False, compare=False)

    @functools.cached_property
    def state(self) -> WorkbookState:
        """The workbook as the write left it (read once, on first use)."""
        return self.read()


def written(svc: ServiceBase, workbook_id: int, result: _T, version: int) -> Written[_T]:
    """The :class:`Written` of a write by ``svc``'s acting person that made ``version``."""
    viewer = access.notes_viewer(svc.me, svc.facilitator)
    return Written(result, version, lambda: svc.store.load(workbook_id, viewer_id=viewer))


def answer(
    use_case: Callable[Concatenate[_S, _P], Written[_T]],
) -> Callable[Concatenate[_S, _P], _T]:
    """``use_case`` as a method of :class:`~.api.Services` that returns its ``result`` alone.

    The state the write made is then never read: a script that wants only the new
    version pays for nothing more.
    """

    @functools.wraps(use_case)
    def method(svc: _S, /, *args: _P.args, **kwargs: _P.kwargs) -> _T:
        return use_case(svc, *args, **kwargs).result

    return method
