"""The safeguarding lead's portal: figures, themes, charts and downloads, nobody singled out."""
