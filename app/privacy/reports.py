"""The reports' roll-ups hold one row per person and programme: no export of their own (they repeat
the participation answers and attendances already in the file), and on erasure they are rebuilt from
the erased participant row in the same flush (app/reports/rollups.py follows the answers cleared).
Their totals (programme_cell) hold no person: the same flush moves them."""

EXPORTS = {
    "programme_tally.participant_id": "not exported: a count of the attendances already in the file",
    "programme_person.participant_id": "not exported: the answers and attendances already in the file",
    "municipality_person.participant_id": "not exported (as programme_person)",
    "programme_type_person.participant_id": "not exported (as programme_person)",
}
ERASES = {
    "programme_tally.participant_id": "kept: counts anonymously, as the attendances",
    "programme_person.participant_id": "rebuilt in the same flush: answers cleared, 'not recorded'",
    "municipality_person.participant_id": "rebuilt in the same flush (as programme_person)",
    "programme_type_person.participant_id": "rebuilt in the same flush (as programme_person)",
}
