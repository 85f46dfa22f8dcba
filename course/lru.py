"""A small thread-safe LRU map for per-process caches of immutable values (read models)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class LruCache:
    """At most `max_entries` values, least recently used first; `put` may drop stale keys."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self.entries: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        """The value for `key` (now the most recently used), or None."""
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: Hashable, value: Any, stale: Callable[[Any], bool] | None = None) -> None:
        """Store a value; first drop every key `stale` says is superseded, last the oldest."""
        with self.lock:
            if stale is not None:
                for old in [k for k in self.entries if stale(k)]:
                    del self.entries[old]
            self.entries[key] = value
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)
