"""A few values in this process's memory, the least recently used going first when it is full:
what the API keeps in front of the shared cache and the database (kept answers, verified
tokens), so that memory stays flat however many keys pass through. Thread-safe."""

import threading
from collections import OrderedDict


class LastUsed:
    ENTRIES = 128

    def __init__(self):
        self._values = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.ENTRIES:
                self._values.popitem(last=False)
