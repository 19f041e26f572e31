"""Every write of the directory. Each function checks its rule, writes, audits and commits, or raises
DirectoryError having written nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core.audit import record_audit
from app.core.languages import normalise
from app.core.time import utcnow
from app.directory import hours as hours_mod
from app.directory import permissions
from app.directory.errors import DirectoryError
from app.directory.models import (
    LANGUAGES,
    HoursException,
    OpeningHours,
    ProviderKind,
    Sensitivity,
    Service,
    ServiceLanguage,
    ServiceNeed,
    ServiceReport,
)
from app.directory.needs import Need
from app.directory.signals import service_changed
from app.extensions import db

PHONE = re.compile(r"^\+?[0-9][0-9 .\-]{5,22}$")
TEXT_FIELDS = ("name", "description", "eligibility", "address", "cost_note")
# The longest text a language of a field takes (the columns' sizes); the others are Text.
MAX_LENGTHS = {"name": 200, "address": 300, "cost_note": 200}


@dataclass
class ServiceData:
    """What an organiser types (or an import reads), before it is checked."""

    municipality_id: int
    provider_name: str
    provider_kind: str = ProviderKind.NGO
    name: dict[str, str] = field(default_factory=dict)  # language → text
    description: dict[str, str] = field(default_factory=dict)
    eligibility: dict[str, str] = field(default_factory=dict)
    address: dict[str, str] = field(default_factory=dict)
    latitude: float | None = None
    longitude: float | None = None
    needs: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    walk_in: bool = False
    by_appointment: bool = False
    by_referral: bool = False
    hotline: bool = False
    no_documents_needed: bool = False
    is_free: bool = True
    cost_note: dict[str, str] = field(default_factory=dict)  # "10 MAD a month"; empty when free
    phone: str = ""
    whatsapp: str = ""
    sensitivity: str = Sensitivity.PUBLIC
    weekly_hours: dict[int, str] = field(default_factory=dict)  # weekday → "09:00-12:00, 14:00-17:00"
    exceptions: str = ""  # one period a line


@dataclass
class CheckedHours:
    weekly: list[tuple[int, hours_mod.Interval]]
    exceptions: list[hours_mod.Exception_]


def check(data: ServiceData) -> CheckedHours:
    """Every rule an entry obeys, whoever writes it: the first broken one raises, naming its field."""
    errors, checked = problems(data)
    if errors:
        raise errors[0]
    return checked


def problems(data: ServiceData) -> tuple[list[DirectoryError], CheckedHours]:
    """Every broken rule of an entry (a form marks each field, an import reports each one)."""
    errors: list[DirectoryError] = []

    def fail(message, code: str, field: str) -> None:
        errors.append(DirectoryError(message, code, field))

    if not any((data.name.get(code) or "").strip() for code in LANGUAGES):
        fail(_("Give the service a name in at least one language."), "name", "name_fr")
    for code in LANGUAGES:
        if len(data.name.get(code) or "") > MAX_LENGTHS["name"]:
            fail(_("A name takes at most 200 characters."), "name", f"name_{code}")
        if len((data.address.get(code) or "").strip()) > MAX_LENGTHS["address"]:
            fail(_("An address takes at most 300 characters."), "address", f"address_{code}")
        if len((data.cost_note.get(code) or "").strip()) > MAX_LENGTHS["cost_note"]:
            fail(_("A cost takes at most 200 characters."), "cost_note", f"cost_note_{code}")
    if not data.provider_name.strip() or len(data.provider_name) > 200:
        fail(_("Name the provider (at most 200 characters)."), "provider", "provider_name")
    if data.provider_kind not in set(ProviderKind):
        fail(_("Choose the kind of provider."), "provider_kind", "provider_kind")
    if data.sensitivity not in set(Sensitivity):
        fail(_("Choose who may see the entry."), "sensitivity", "sensitivity")
    if not data.needs:
        fail(_("Choose at least one need the service answers."), "needs", "needs")
    unknown = [need for need in data.needs if need not in set(Need)]
    if unknown:
        fail(
            _("Unknown need: %(need)s.", need=", ".join(unknown)), "needs", "needs"
        )
    for code in data.languages:
        if normalise(code) is None:
            fail(
                _("%(code)s is not a language code (write wo, ha, ary, zgh, bm...).", code=code),
                "language",
                "languages",
            )
    if (data.latitude is None) != (data.longitude is None):
        fail(_("Give both the latitude and the longitude, or neither."), "coordinates",
                             "latitude")
    if data.latitude is not None and not -90 <= data.latitude <= 90:
        fail(_("The latitude lies between -90 and 90."), "coordinates", "latitude")
    if data.longitude is not None and not -180 <= data.longitude <= 180:
        fail(_("The longitude lies between -180 and 180."), "coordinates", "longitude")
    for name in ("phone", "whatsapp"):
        value = getattr(data, name).strip()
        if value and not PHONE.match(value):
            fail(
                _("%(number)s is not a telephone number (digits, spaces, a + first).", number=value),
                "phone",
                name,
            )
    weekly: list[tuple[int, hours_mod.Interval]] = []
    for weekday in hours_mod.WEEKDAYS:
        try:
            weekly += [(weekday, i) for i in hours_mod.parse_intervals(data.weekly_hours.get(weekday, ""))]
        except hours_mod.HoursError as error:
            fail(str(error.message), "hours", f"hours_{weekday}")
    try:
        hours_mod.check_no_overlap(weekly)
    except hours_mod.HoursError as error:
        fail(str(error.message), "hours", "hours_0")
    try:
        exceptions = hours_mod.parse_exceptions(data.exceptions)
    except hours_mod.HoursError as error:
        fail(str(error.message), "hours", "exceptions")
        exceptions = []
    return errors, CheckedHours(weekly, exceptions)


def fill(service: Service, data: ServiceData, checked: CheckedHours) -> None:
    service.municipality_id = data.municipality_id
    for name in TEXT_FIELDS:
        values = getattr(data, name)
        for code in LANGUAGES:
            setattr(service, f"{name}_{code}", (values.get(code) or "").strip())
    service.provider_name = data.provider_name.strip()
    service.provider_kind = data.provider_kind
    service.latitude, service.longitude = data.latitude, data.longitude
    for flag in ("walk_in", "by_appointment", "by_referral", "hotline", "no_documents_needed", "is_free"):
        setattr(service, flag, bool(getattr(data, flag)))
    service.phone, service.whatsapp = data.phone.strip(), data.whatsapp.strip()
    service.sensitivity = data.sensitivity
    service.needs = [ServiceNeed(need=need) for need in sorted(set(data.needs))]
    codes = sorted({normalise(code) for code in data.languages})
    service.languages = [ServiceLanguage(code=code) for code in codes]
    service.hours = [OpeningHours(weekday=w, opens=i.opens, closes=i.closes) for w, i in checked.weekly]
    rows = []
    for exception in checked.exceptions:
        if not exception.intervals:
            rows.append(HoursException(starts_on=exception.starts_on, ends_on=exception.ends_on))
        for interval in exception.intervals:
            rows.append(HoursException(starts_on=exception.starts_on, ends_on=exception.ends_on,
                                       opens=interval.opens, closes=interval.closes))
    service.exceptions = rows


def _refuse_unless_editor(actor, municipality_id: int) -> None:
    if not permissions.can_edit_services_of(actor, municipality_id):
        raise DirectoryError(_("You cannot edit this municipality's directory."), "forbidden")


def create_service(actor, data: ServiceData) -> Service:
    _refuse_unless_editor(actor, data.municipality_id)
    checked = check(data)
    service = Service()
    fill(service, data, checked)
    service.verified_at, service.verified_by_id = utcnow(), actor.id  # written from a source just now
    db.session.add(service)
    db.session.flush()
    record_audit("directory.service_created", actor=actor, target=service)
    service_changed.send(db.session, service_ids=[service.id], action="created")
    db.session.commit()
    return service


def saved_at(service: Service) -> str:
    """When the entry was last saved, as the edit form carries it (its hidden `seen` field)."""
    return service.updated_at.isoformat()


def update_service(actor, service: Service, data: ServiceData, seen: str = "") -> Service:
    """`seen`: when the entry had last been saved as the form was opened. Refused, nothing written,
    when someone saved it since (two organisers, or an edit and a verification): the last save would
    otherwise silently undo the other's. A form without it (an HSDS import) is not checked."""
    _refuse_unless_editor(actor, service.municipality_id)
    _refuse_unless_editor(actor, data.municipality_id)  # moving it to another municipality
    if seen:
        # Read under the row's lock (PostgreSQL): a save that comes in now waits for ours, then is refused.
        last_saved = db.session.scalar(
            sa.select(Service.updated_at).where(Service.id == service.id).with_for_update()
        )
        if last_saved.isoformat() != seen:
            raise DirectoryError(
                _("Someone else saved this entry while you were editing it. Your changes are not saved "
                  "yet: check the entry as it is now (open it in another tab), then save again."),
                "stale",
            )
    checked = check(data)
    # The collections are replaced whole: the old rows go first so primary keys never clash.
    service.needs, service.languages, service.hours, service.exceptions = [], [], [], []
    db.session.flush()
    fill(service, data, checked)
    service.updated_at = utcnow()
    record_audit("directory.service_updated", actor=actor, target=service)
    service_changed.send(db.session, service_ids=[service.id], action="updated")
    db.session.commit()
    return service


def verify_service(actor, service: Service) -> Service:
    """"Verified today by me": the organiser checked the entry with the provider."""
    _refuse_unless_editor(actor, service.municipality_id)
    if service.retired_at is not None:
        raise DirectoryError(_("A retired entry cannot be verified."), "retired")
    service.verified_at, service.verified_by_id = utcnow(), actor.id
    record_audit("directory.service_verified", actor=actor, target=service)
    service_changed.send(db.session, service_ids=[service.id], action="verified")
    db.session.commit()
    return service


def retire_service(actor, service: Service) -> Service:
    """The entry leaves every public page, brochure and export; its history stays."""
    _refuse_unless_editor(actor, service.municipality_id)
    if service.retired_at is not None:
        raise DirectoryError(_("This entry is already retired."), "retired")
    service.retired_at = utcnow()
    record_audit("directory.service_retired", actor=actor, target=service)
    service_changed.send(db.session, service_ids=[service.id], action="retired")
    db.session.commit()
    return service


def report_service(user, service: Service, reason: str) -> ServiceReport:
    reason = (reason or "").replace("\x00", "").strip()
    if not 5 <= len(reason) <= 2000:
        raise DirectoryError(_("Say what is wrong in 5 to 2,000 characters."), "reason", "reason")
    report = ServiceReport(service_id=service.id, reporter_id=user.id, reason=reason)
    db.session.add(report)
    db.session.flush()
    record_audit("directory.service_reported", actor=user, target=service, report_id=report.id)
    db.session.commit()
    return report


def resolve_report(actor, report: ServiceReport) -> ServiceReport:
    _refuse_unless_editor(actor, report.service.municipality_id)
    if report.resolved_at is None:
        report.resolved_at = utcnow()
        record_audit("directory.report_resolved", actor=actor, target=report.service, report_id=report.id)
        db.session.commit()
    return report
