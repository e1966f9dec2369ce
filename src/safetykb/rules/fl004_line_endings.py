"""Files are UTF-8 without a byte-order mark, with Unix (LF) line endings.

Reason: CRLF or a BOM, typical of files saved by office tools, makes every
line of a pull request's diff look changed, so reviewers cannot see what
really changed in a safety instruction. The file is still read (the endings
are normalised), and the message says how to save it.

``safetykb check --fix`` rewrites the file with LF endings and without the
BOM. The loader has already normalised the text a rule is given (CRLF and CR
became LF, the BOM was dropped), so the fix returns that text unchanged and
writing it is the repair.

Failing example: a file saved by Notepad with CRLF endings.

Passing example: the same file saved with LF endings (``git config
core.autocrlf input``, or the editor's line-ending setting).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding, recorded

ID = "FL004"
NAME = "line-endings"
DESCRIPTION = "The file has a byte-order mark or CRLF / CR line endings."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    return recorded(doc, ID)


def fix(doc: Document, text: str) -> str:
    """``text`` as given: the loader already turned CRLF and CR into LF and
    dropped the BOM, so writing it back (UTF-8, as ``--fix`` does) fixes the
    file."""
    return text
