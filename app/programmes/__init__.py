"""Programmes and what they cover: the municipalities they run in, hence the events and calls for
proposals that may count towards them. Events, proposals and reports read them; it reads accounts."""
