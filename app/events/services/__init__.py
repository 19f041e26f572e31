"""Every write of the events domain: each function owns its transaction and commits once."""

from app.events.services.card_links import (  # noqa: F401
    confirm_card_link,
    decline_card_link,
    request_card_link,
    what_would_move,
)
from app.events.services.desk import (  # noqa: F401
    create_card_holder,
    register_card_holder,
    reissue_card,
)
from app.events.services.desk_rights import (  # noqa: F401
    check_card_present,
    withdraw_card_holder_consent,
)
from app.events.services.door import (  # noqa: F401
    check_in,
    check_in_not_open,
    record_walk_in,
    undo_check_in,
)
from app.events.services.door_tally import (  # noqa: F401
    count_walk_in,
    note_walk_in_origin,
    set_headcount_only,
    undo_counted_walk_in,
)
from app.events.services.exports import export_attendance_csv  # noqa: F401
from app.events.services.management import (  # noqa: F401
    EventData,
    SessionData,
    cancel_event,
    create_event,
    duplicate_event,
    organiser_message_problem,
    organiser_message_texts,
    publish_event,
    send_organiser_message,
    update_event,
)
from app.events.services.paper import (  # noqa: F401
    MAX_TALLY,
    SheetOutcome,
    TypedSheet,
    WalkInLine,
    type_in_paper_sheet,
)
from app.events.services.registration import (  # noqa: F401
    cancel_registration,
    register_for_event,
)
