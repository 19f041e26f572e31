"""The audit log's actions as administrators read them: one translated label per action recorded
anywhere in the app (tests/accounts/test_audit_log.py checks every record_audit call has one)."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    # Accounts and roles
    "account.password_changed": _l("Password changed"),
    "account.password_reset": _l("Password reset with a link"),
    "account.reset_link_issued": _l("Password link issued"),
    "account.disabled": _l("Account disabled"),
    "account.enabled": _l("Account enabled"),
    "account.made_admin": _l("Made an administrator (command line)"),
    "account.data_exported": _l("Personal data downloaded"),
    "account.deleted": _l("Account deleted"),
    "role.granted": _l("Role granted"),
    "role.withdrawn": _l("Role withdrawn"),
    "municipality.created": _l("Municipality added"),
    "municipality.updated": _l("Municipality changed"),
    "message.resent": _l("Failed message sent again"),
    # The services directory
    "directory.service_created": _l("Directory entry added"),
    "directory.service_updated": _l("Directory entry changed"),
    "directory.service_verified": _l("Directory entry verified"),
    "directory.service_retired": _l("Directory entry retired"),
    "directory.service_reported": _l("Directory entry reported as wrong"),
    "directory.report_resolved": _l("Report on a directory entry dealt with"),
    "directory.services_imported": _l("Directory entries imported (HSDS)"),
    # Events, the desk and the door
    "event.created": _l("Event created"),
    "event.updated": _l("Event changed"),
    "event.published": _l("Event published"),
    "event.cancelled": _l("Event cancelled"),
    "event.duplicated": _l("Event duplicated"),
    "event.attendance_exported": _l("Attendance list exported"),
    "event.sessions_repeated": _l("Repeating sessions added"),
    "event.session_changed": _l("One session of a repeating rule changed"),
    "event.sessions_changed_following": _l("A session and all that follow changed"),
    "event.message_sent": _l("Organisers' message sent to the registered people"),
    "event.headcount_only": _l("Door switched to headcount only, or back to names"),
    "paper_sheet.typed_in": _l("Paper attendance sheet typed in"),
    # Messages
    "messages.unsubscribed": _l("Messages of one kind stopped by an unsubscribe link"),
    "messages.sms_stopped": _l("SMS stopped by a STOP reply"),
    "account.confirmed": _l("Account confirmed"),
    "account.unconfirmed_erased": _l("Unconfirmed accounts erased"),
    "attendance.undone": _l("Check-in undone"),
    "participant_card.issued": _l("Participant card issued"),
    "participant_card.reissued": _l("Participant card reissued"),
    "participant_card.link_requested": _l("Desk asked an account holder to confirm a card link"),
    "participant_card.linked": _l("Participant card linked to an account"),
    "participant.data_viewed": _l("Card holder's data shown at the desk"),
    "participant.consent_withdrawn": _l("Card holder's consent withdrawn at the desk"),
    "participant.erased": _l("Card holder erased at the desk"),
    "retention.applied": _l("Card holders' phones erased after the retention period"),
    "participant_card.link_declined": _l("Account holder declined a card link"),
    "desk_visit.recorded": _l("Desk visit recorded"),
    "referral.outcome_recorded": _l("Outcome of a referral recorded"),
    # Proposals, moderation and review
    "proposal_call.created": _l("Call for proposals created"),
    "proposal_call.updated": _l("Call for proposals changed"),
    "proposal.entered_for_someone": _l("Proposal entered for someone"),
    "proposal.hidden": _l("Proposal hidden by moderation"),
    "proposal.restored": _l("Proposal restored by moderation"),
    "comment.hidden": _l("Comment hidden by moderation"),
    "comment.restored": _l("Comment restored by moderation"),
    "abuse_report.dismissed": _l("Abuse report dismissed"),
    "proposal.answered": _l("Proposal answered"),
    # Programmes and reports
    "programme.created": _l("Programme created"),
    "programme.updated": _l("Programme changed"),
    "programme.deleted": _l("Programme deleted"),
    "programme.event_attached": _l("Event attached to a programme"),
    "programme.event_detached": _l("Event detached from a programme"),
    "programme.call_attached": _l("Call attached to a programme"),
    "programme.call_detached": _l("Call detached from a programme"),
    "target.created": _l("Target created"),
    "target.updated": _l("Target changed"),
    "target.deleted": _l("Target deleted"),
    "reports.exact_figures_viewed": _l("Exact figures viewed"),
}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action
