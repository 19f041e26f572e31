"""Export and erasure cannot miss a table: every foreign key that points at a person (`user` or
`participant`) is declared by one of the privacy pieces, with what the download says of it and what
erasing the person does to it. A new table holding such a key fails here until someone decides."""

import sqlalchemy as sa

import app.models  # noqa: F401 - every table in the metadata
from app.extensions import db
from app.privacy.personal_data import PIECES

PERSON_TABLES = ("user", "participant")


def person_keys(metadata: sa.MetaData) -> set[str]:
    """"table.column" for every foreign key to a person."""
    return {
        f"{table.name}.{key.parent.name}"
        for table in metadata.tables.values()
        for key in table.foreign_keys
        if key.column.table.name in PERSON_TABLES
    }


def declared(part: str) -> set[str]:
    return {name for piece in PIECES for name in getattr(piece, part)}


def test_every_key_to_a_person_is_in_the_export_or_says_why_not():
    assert sorted(person_keys(db.metadata) - declared("EXPORTS")) == []


def test_every_key_to_a_person_is_handled_by_the_erasure():
    assert sorted(person_keys(db.metadata) - declared("ERASES")) == []


def test_the_pieces_declare_only_keys_that_exist():
    keys = person_keys(db.metadata)
    assert sorted((declared("EXPORTS") | declared("ERASES")) - keys) == []


def test_a_new_table_holding_a_person_is_caught():
    """The walk finds a key the pieces do not know: a table added beside the real ones."""
    metadata = sa.MetaData()
    for table in db.metadata.tables.values():
        table.to_metadata(metadata)
    sa.Table(
        "visit_note",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("participant_id", sa.ForeignKey("participant.id")),
    )
    assert person_keys(metadata) - declared("EXPORTS") == {"visit_note.participant_id"}
    assert person_keys(metadata) - declared("ERASES") == {"visit_note.participant_id"}
