"""Walking the URLconf: shared by the read-audit test and the access matrix (tests/security/)."""

from django.urls import URLResolver, get_resolver


def route_entries(patterns=None, namespace="", prefix=""):
    """``(key, route)`` for every route of the URLconf: ``key`` is its namespaced name, else its
    pattern; ``route`` is the full pattern text (``organisations/<int:pk>/``)."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from route_entries(entry.url_patterns, inner, prefix + str(entry.pattern))
        else:
            key = f"{namespace}{entry.name}" if entry.name else f"{namespace}{entry.pattern}"
            yield key, prefix + str(entry.pattern)


def route_keys():
    """The key of every route of the URLconf: its namespaced name, else its pattern."""
    for key, _route in route_entries():
        yield key
