"""The services directory: who helps with what, where, when, in which languages, and how fresh it is."""
