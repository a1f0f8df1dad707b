"""Checking that the source documents still say what their passages quote: fetching each page
politely (:mod:`.fetch`), reading its text (:mod:`.page_text`) and looking each passage up in
it (:mod:`.matching`)."""
