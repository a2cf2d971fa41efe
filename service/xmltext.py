"""Text made fit for XML 1.0 (the Word document and the Atom feed).

Escaping is the XML writers' job; this removes what no escaping can carry:
control characters (a PDF's text layer may hold a form feed or a NUL) and
unpaired surrogates, which XML 1.0 forbids outright and which would make
lxml refuse the document or a feed reader reject the whole feed.
"""

from __future__ import annotations

import re

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """The text without the characters XML 1.0 cannot hold (tabs and line ends stay)."""
    return _NOT_XML.sub("", text)
