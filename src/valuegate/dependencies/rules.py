"""Dependency graph rules: cycles and downstream propagation. No database."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable


def find_path(start: int, goal: int, successors: Callable[[set[int]], dict[int, list[int]]]) -> list[int] | None:
    """Breadth-first search from ``start`` to ``goal``; ``successors`` answers a whole frontier at once."""
    if start == goal:
        return [start]
    parent: dict[int, int] = {start: start}
    frontier = {start}
    while frontier:
        nxt: set[int] = set()
        for node, succs in successors(frontier).items():
            for s in succs:
                if s in parent:
                    continue
                parent[s] = node
                if s == goal:
                    path = [s]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return list(reversed(path))
                nxt.add(s)
        frontier = nxt
    return None


def downstream_closure(roots: Iterable[int], edges: dict[int, list[int]]) -> set[int]:
    """Every node reachable downstream of ``roots`` (excluding the roots themselves unless reached)."""
    seen: set[int] = set()
    queue = deque(roots)
    while queue:
        node = queue.popleft()
        for nxt in edges.get(node, []):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen
