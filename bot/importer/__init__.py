"""reflect import: a briefing (txt, Markdown, HTML, DOCX, PDF) read as blocks, then a draft pack."""
