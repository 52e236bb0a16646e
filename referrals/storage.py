"""Where the documents of referrals are stored: never under ``MEDIA_ROOT`` (served in DEBUG),
never at a public URL. On S3 the default storage is already private (private ACL, signed URLs
never handed out); on disk, ``PRIVATE_MEDIA_ROOT`` (default ``var/private`` beside the media).
Files are only ever read by ``referrals.documents`` views, after the scope check."""

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.deconstruct import deconstructible


def private_root():
    return Path(
        getattr(settings, "PRIVATE_MEDIA_ROOT", None)
        or Path(settings.MEDIA_ROOT).parent / "private"
    )


@deconstructible
class PrivateFileSystemStorage(FileSystemStorage):
    """A file-system storage with no URL, rooted where the settings say at the time of use."""

    @property
    def base_location(self):
        return private_root()

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Private documents have no URL: serve them through a scoped view.")


def private_storage():
    if settings.STORAGES["default"]["BACKEND"] != "django.core.files.storage.FileSystemStorage":
        return storages["default"]
    return PrivateFileSystemStorage()


def document_path(instance, filename):
    """A random name: the uploader's file name (often the person's name) never reaches storage."""
    return f"referral-documents/{uuid.uuid4().hex}.{instance.extension}"
