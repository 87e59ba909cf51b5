"""How large a briefing may be, and the one error every reader raises.

Apart from :mod:`bot.importer.read` (which imports the readers) so that each reader can raise
the error and check its own limit without importing the module that imports it.
"""

from __future__ import annotations

# A learning briefing is a few pages (the seed, Child Z, is 8 KB of text; the longest fixture
# PDF is a few pages). Without limits a hostile or mistaken file (a 50 MB log renamed .txt, a
# zip bomb named .docx, a 5,000-page report) made an import run for minutes and write a draft
# nobody could review. Each limit is far above any real briefing and low enough that the
# refusal comes at once, with the limit in the message.

MB = 1024 * 1024
#: A .txt/.md briefing larger than this is not a briefing (a briefing is ~10-100 KB).
MAX_TEXT_BYTES = 2 * MB
#: A saved web page carries its site's styles and scripts (and sometimes inline images).
MAX_HTML_BYTES = 5 * MB
#: Non-blank lines of a .txt/.md, counted before parsing (a hard-wrapped paragraph takes a
#: few lines, so four times MAX_BLOCKS): refuses a long file in milliseconds, not seconds.
MAX_TEXT_LINES = 20_000
#: Elements of an HTML page, counted by lxml before BeautifulSoup (a saved briefing page,
#: menus and all, has a few thousand; BeautifulSoup takes about 1 s for 15,000).
MAX_HTML_ELEMENTS = 25_000
#: A .pdf/.docx may carry images, so more room; still refused before any parsing.
MAX_BINARY_BYTES = 25 * MB
#: A .docx is a zip: the sum of its members' declared uncompressed sizes, checked before
#: anything is decompressed (a 2 MB zip can expand to gigabytes of XML).
MAX_DOCX_UNPACKED_BYTES = 100 * MB
#: A member expanding more than this many times its compressed size is a zip bomb (Word XML
#: compresses about 5-20 times); only members of at least DOCX_RATIO_FLOOR bytes are judged.
MAX_DOCX_RATIO = 200
DOCX_RATIO_FLOOR = 1 * MB
#: Pages of a PDF, counted from its page tree before any layout analysis (~0.1 s a page).
MAX_PDF_PAGES = 300
#: Blocks (headings, paragraphs, items) in the document read: more is a report or a book,
#: not a briefing, and a draft of it could not be reviewed.
MAX_BLOCKS = 5000
#: Characters of text in the document read (the seed has 8,000; this is about 80,000 words):
#: one endless paragraph is no briefing either, and its draft could not be reviewed.
MAX_TEXT_CHARS = 500_000
#: Nesting of HTML elements: real pages stay under ~40; the reader walks the tree
#: recursively (two frames a level, under Python's limit of 1,000) and BeautifulSoup slows
#: down badly on very deep trees, so deeper pages are refused before BeautifulSoup sees them.
MAX_HTML_DEPTH = 200


class BriefingReadError(ValueError):
    """A briefing file that cannot be read; the message is one plain-English sentence."""
