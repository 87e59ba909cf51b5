"""`reflect import`: a briefing in any layout (TXT, MD, HTML, DOCX, PDF) as a draft pack."""
