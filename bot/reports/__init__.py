"""What the safeguarding lead downloads: exports and summaries built from stored reflections."""
