"""The building blocks of every domain model: the frozen base model and the checked types.

:mod:`.model` re-exports these names: import them from there.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

#: A person's id: short, lower case, safe in a URL and a file name.
PERSON_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,63}$"

PersonId = Annotated[str, StringConstraints(pattern=PERSON_ID_PATTERN)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
LongText = Annotated[str, StringConstraints(max_length=10_000)]
Level = Annotated[int, Field(ge=1, le=5)]
Percent = Annotated[int, Field(ge=0, le=100)]

Party = Literal["employee", "manager"]
PARTIES: tuple[Party, Party] = ("employee", "manager")


class Model(BaseModel):
    """Base for all domain models: frozen, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)


_WORDS = re.compile(r"\w+", re.UNICODE)


def word_count(text: str) -> int:
    """Number of words in ``text`` (letters or digits in a row, any script)."""
    return len(_WORDS.findall(text))
