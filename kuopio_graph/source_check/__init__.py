"""Checking that the source documents still say what their passages quote: reading a page's
text (:mod:`.page_text`) and looking each passage up in it (:mod:`.matching`)."""
