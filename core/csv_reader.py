"""Reading an uploaded CSV file, shared by every importer: encoding and separator, found once."""

import csv
import io


class UnreadableFile(ValueError):
    """The file is not text Passerelle can read (the message is French, for the person)."""


def decode(data, *, fallback="cp1252"):
    """The text of an upload: UTF-8 (with or without BOM), else ``fallback`` (spreadsheets saved
    by Excel on Windows), else ``UnreadableFile`` when ``fallback`` is None."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if fallback is None:
            raise UnreadableFile("le fichier n'est pas encodé en UTF-8") from None
        return data.decode(fallback, errors="replace")


def sniff_delimiter(text):
    """``;`` or ``,``: whichever the header line uses most (``;`` on a tie, the French default)."""
    first_line = text.split("\n", 1)[0]
    return ";" if first_line.count(";") >= first_line.count(",") else ","


def dict_reader(text):
    """A ``csv.DictReader`` over ``text`` whose header names are stripped of spaces."""
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    reader.fieldnames = [name.strip() for name in (reader.fieldnames or [])]
    return reader
