from . import bilan_api


def register(router):
    """Governance resources (agreements, meetings, statistics) and the bilan's (reports)."""
    bilan_api.register(router)
