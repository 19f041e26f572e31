"""Bidirectional controls people type are never shown (issue 14).

An explicit embedding, override or isolate (U+202A–U+202E, U+2066–U+2069) typed into a title or a
comment and left open turns the rest of the line around it backwards, beyond the text itself
("invoice\u202eexe.pdf" reads "invoicefdp.exe"); marks (U+200E, U+200F, U+061C) move the
punctuation and numbers next to it. Pages isolate people's text with <bdi> and dir="auto", which is
all the direction it needs; the controls are taken out of every value a template prints (Jinja's
finalize, and the values put into translated sentences), so text already stored, or arriving by
any road, is covered in one place. What people typed is kept as typed in the database.
"""

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_REMOVE = dict.fromkeys(map(ord, BIDI_CONTROLS))


def without_bidi_controls(value):
    """A printed value without bidi controls. Markup (our templates' own HTML, translations) and
    non-strings are left alone; ASCII text, most of what a page prints, costs one C call."""
    if type(value) is str and not value.isascii():
        return value.translate(_REMOVE)
    return value
