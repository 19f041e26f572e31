"""A person's data across every domain: the export (`Download my data`, the desk's printable page),
the erasure (an account deleted, a card holder erased at the desk) and limited retention. It reads
and acts on every domain, so nobody imports it: create_app registers its blueprint and the
`flask jiwar` commands call it.

Like pretix's data shredders: one piece per domain (accounts.py, events.py, proposals.py, and
reports.py for the roll-ups) says what it exports and what erasure does to each column that points
at a person; personal_data.py runs them all. tests/privacy/test_every_person_key.py walks every
foreign key to `user` and `participant` and fails when one is not declared by a piece."""
