def register(router):
    """This app's API resources are registered on the v1 router here."""
