"""Imports every model so that Alembic and the test schema see the whole metadata."""

from app.accounts.models import (  # noqa: F401
    AccountConfirmation,
    Municipality,
    Participant,
    ParticipantCard,
    PasswordResetToken,
    RoleAssignment,
    User,
)
from app.core.models import AuditEntry, OutboxMessage  # noqa: F401
from app.core.table_versions import TableVersion  # noqa: F401
from app.directory.models import (  # noqa: F401
    HoursException,
    OpeningHours,
    Service,
    ServiceLanguage,
    ServiceNeed,
    ServiceReport,
)
from app.directory.visits import DeskVisit, Referral  # noqa: F401
from app.events.models import (  # noqa: F401
    Attendance,
    AttendanceTally,
    Event,
    EventSession,
    Registration,
    SessionRule,
)
from app.messages.models import MessagePreference, ReminderQueued  # noqa: F401
from app.programmes.models import Programme, programme_municipality  # noqa: F401
from app.proposals.models import (  # noqa: F401
    AbuseReport,
    Comment,
    Proposal,
    ProposalCall,
    ProposalCategory,
    ProposalMember,
    ProposalStatusChange,
    Support,
)
from app.reports.models import Target  # noqa: F401
