"""Side effects (e-mails, background tasks) written in the database with the change that causes
them, then dispatched to Celery: the transactional outbox. ``enqueue`` is the only door."""
