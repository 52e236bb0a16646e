def register(router):
    """The annual bilan's API resources (reports) are registered here."""
