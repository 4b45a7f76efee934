"""Personal data that rooms above keep about a person, registered so the export and the deletion reach it.

A room or config registers a source at start-up (config registers the local mailbox); courses.personal_data and
courses.erasure ask every source. Each source takes the user and every address the account has had.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    name: str
    export: Callable[..., list[dict]]  # export(user=..., emails=...) -> rows
    erase: Callable[..., int]  # erase(user=..., emails=...) -> rows removed


_sources: dict[str, Source] = {}


def register(name: str, *, export: Callable[..., list[dict]], erase: Callable[..., int]) -> None:
    _sources[name] = Source(name=name, export=export, erase=erase)


def sources() -> list[Source]:
    return list(_sources.values())
