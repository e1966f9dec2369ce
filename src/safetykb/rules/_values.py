"""Shared by the rules that read front-matter values as text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def strings(value: Any) -> Iterator[str]:
    """Every string in a front-matter value, keys and values, at any depth."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(reversed([v for kv in item.items() for v in kv]))
        elif isinstance(item, list):
            stack.extend(reversed(item))
