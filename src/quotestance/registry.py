"""A registry: named things of one kind, each registered once, looked up by name.

The sources (`sources.SOURCES`) and the tasks (`tasks.TASKS`) are registries; a new
backend registry would be one more. A registry is a dict, so tests can add an entry
for one test with `monkeypatch.setitem`.
"""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(dict, Generic[T]):
    """Name -> item, in registration order. Items carry their own `name`.

    Example:
        >>> TASKS: Registry[Task] = Registry("task", "quotestance.tasks.register_task")
        >>> TASKS.register(Task("has_quote", ("no", "yes")))
    """

    def __init__(self, kind: str, how_to_add: str):
        super().__init__()
        self.kind = kind
        self.how_to_add = how_to_add

    def register(self, item: T) -> T:
        """Add `item` under `item.name`; the same name twice is an error unless it is the same item."""
        name = item.name
        if name in self and self[name] != item:
            raise ValueError(f"{self.kind} {name!r} is already registered; pick another name")
        self[name] = item
        return item

    def lookup(self, name: str) -> T:
        """The item registered as `name`, or a KeyError listing what is registered."""
        try:
            return self[name]
        except KeyError:
            raise KeyError(
                f"unknown {self.kind} {name!r}; registered: {list(self)} (add one with {self.how_to_add})"
            ) from None
