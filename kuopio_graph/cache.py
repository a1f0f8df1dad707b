"""A bounded cache of serialised answers.

The data does not change while it is served, so an identical request has an identical answer
for as long as the process lives.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar


class Sized(Protocol):
    """Anything whose size in bytes the cache can charge."""

    @property
    def body(self) -> bytes:
        """The bytes the entry holds."""
        ...


Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value", bound=Sized)


@dataclass
class AnswerCache(Generic[Key, Value]):
    """Least-recently-used entries, up to ``capacity`` bytes of bodies in all; thread-safe."""

    capacity: int
    _entries: OrderedDict[Key, Value] = field(default_factory=OrderedDict)
    _size: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: Key) -> Value | None:
        """The entry for ``key``, marked as recently used, or None."""
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Key, value: Value) -> None:
        """Keep ``value`` unless it alone is larger than a tenth of the cache."""
        if len(value.body) > self.capacity // 10:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = value
            self._size += len(value.body)
            while self._size > self.capacity:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped.body)

    def __len__(self) -> int:
        """The number of entries kept."""
        return len(self._entries)
