"""Open Referral's Human Services Data Specification (HSDS 3.0): the directory's public entries out,
entries from another directory (UNHCR's, IOM's services lists) in.

JSON: {"hsds_version": "3.0", "services": [service, ...]}, each service with its organization,
service_at_locations (location, address), schedules, phones and languages nested, as HSDS's API
profile gives them. CSV: a zip of services.csv, organizations.csv, locations.csv, addresses.csv,
service_at_locations.csv, schedules.csv, phones.csv, languages.csv, joined by their ids.

What HSDS has no field for (the name, description, eligibility, cost and address in three languages,
the needs, walk-in, no documents needed, the provider kind) travels in fields starting "x_jiwar_";
HSDS's own fields (name, fees_description, address_1...) carry the French text, else the first
language written, for readers that know only HSDS. A file from elsewhere without the x_jiwar_
fields is read from HSDS's own: each text taken to be in its own language (Arabic when most of its
letters are Arabic, else French). A weekly schedule is a row with freq WEEKLY and byday; a closing time at or
before the opening time runs past midnight; a dated exception is a row with valid_from and valid_to
(no opens_at: closed those days).

An import is checked whole first: every error is reported with its row, field and reason, and
nothing is written unless there is none; then every entry is written in one transaction.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, time

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core.audit import record_audit
from app.core.languages import language_name
from app.core.translated import as_texts
from app.directory import hours as hours_mod
from app.directory import services as writes
from app.directory.models import LANGUAGES, Service
from app.directory.needs import Need
from app.directory.queries import public_condition
from app.directory.signals import service_changed
from app.extensions import db

HSDS_VERSION = "3.0"
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MAX_ENTRIES = 20_000


# -- Export ----------------------------------------------------------------------------------------


def public_entries() -> list[Service]:
    """Public entries only: never a staff-only or retired one."""
    return list(db.session.scalars(sa.select(Service).where(public_condition()).order_by(Service.id)))


def service_record(service: Service) -> dict:
    sid = f"jiwar-service-{service.id}"
    name, _language = service.text("name", "fr")
    description, _language = service.text("description", "fr")
    eligibility, _language = service.text("eligibility", "fr")
    address, _language = service.text("address", "fr")
    cost_note, _language = service.text("cost_note", "fr")
    schedules = [
        {
            "id": f"{sid}-h{row.id}",
            "service_id": sid,
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": DAYS[row.weekday],
            "opens_at": f"{row.opens:%H:%M}",
            "closes_at": f"{row.closes:%H:%M}",
        }
        for row in service.hours
    ]
    for row in service.exceptions:
        schedules.append(
            {
                "id": f"{sid}-x{row.id}",
                "service_id": sid,
                "valid_from": row.starts_on.isoformat(),
                "valid_to": row.ends_on.isoformat(),
                "opens_at": f"{row.opens:%H:%M}" if row.opens else None,
                "closes_at": f"{row.closes:%H:%M}" if row.closes else None,
                "description": "" if row.opens else "closed",
            }
        )
    phones = []
    if service.phone:
        phones.append({"id": f"{sid}-p1", "service_id": sid, "number": service.phone, "type": "voice"})
    if service.whatsapp:
        phones.append(
            {
                "id": f"{sid}-p2",
                "service_id": sid,
                "number": service.whatsapp,
                "type": "text",
                "description": "WhatsApp",
            }
        )
    location = {
        "id": f"{sid}-l",
        "location_type": "physical",
        "name": service.provider_name,
        "latitude": service.latitude,
        "longitude": service.longitude,
        "addresses": [
            {
                "id": f"{sid}-a",
                "location_id": f"{sid}-l",
                "address_1": address,
                "city": service.municipality.name_fr,
                "country": service.municipality.country_code,
                "address_type": "physical",
                "x_jiwar_address": {code: getattr(service, f"address_{code}") for code in LANGUAGES},
            }
        ],
    }
    return {
        "id": sid,
        "organization": {
            "id": f"{sid}-o",
            "name": service.provider_name,
            "x_jiwar_provider_kind": service.provider_kind,
        },
        "name": name,
        "description": description,
        "status": "active",
        "eligibility_description": eligibility,
        "fees_description": cost_note or ("free" if service.is_free else ""),
        "assured_date": service.verified_at.date().isoformat() if service.verified_at else None,
        "languages": [
            {"id": f"{sid}-g{i}", "service_id": sid, "code": code, "name": language_name(code, "en")}
            for i, code in enumerate(service.language_codes)
        ],
        "phones": phones,
        "schedules": schedules,
        "service_at_locations": [
            {"id": f"{sid}-sl", "service_id": sid, "location_id": location["id"], "location": location}
        ],
        "attributes": [
            {
                "taxonomy_term": {
                    "code": need,
                    "taxonomy": "jiwar-need",
                    "name": str(Need(need)._labels()[Need(need)]),
                }
            }
            for need in service.need_values
        ],
        "x_jiwar_name": {code: getattr(service, f"name_{code}") for code in LANGUAGES},
        "x_jiwar_description": {code: getattr(service, f"description_{code}") for code in LANGUAGES},
        "x_jiwar_eligibility": {code: getattr(service, f"eligibility_{code}") for code in LANGUAGES},
        "x_jiwar_cost_note": {code: getattr(service, f"cost_note_{code}") for code in LANGUAGES},
        "x_jiwar_needs": service.need_values,
        "x_jiwar_access": [
            flag for flag in ("walk_in", "by_appointment", "by_referral", "hotline") if getattr(service, flag)
        ],
        "x_jiwar_no_documents_needed": service.no_documents_needed,
        "x_jiwar_free": service.is_free,
    }


def export_json(entries: list[Service]) -> bytes:
    document = {"hsds_version": HSDS_VERSION, "services": [service_record(s) for s in entries]}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


CSV_COLUMNS = {
    "services.csv": [
        "id",
        "organization_id",
        "name",
        "description",
        "status",
        "eligibility_description",
        "fees_description",
        "assured_date",
        "x_jiwar_name_fr",
        "x_jiwar_name_ar",
        "x_jiwar_name_en",
        "x_jiwar_description_fr",
        "x_jiwar_description_ar",
        "x_jiwar_description_en",
        "x_jiwar_eligibility_fr",
        "x_jiwar_eligibility_ar",
        "x_jiwar_eligibility_en",
        "x_jiwar_cost_note_fr",
        "x_jiwar_cost_note_ar",
        "x_jiwar_cost_note_en",
        "x_jiwar_needs",
        "x_jiwar_access",
        "x_jiwar_no_documents_needed",
        "x_jiwar_free",
    ],
    "organizations.csv": ["id", "name", "x_jiwar_provider_kind"],
    "locations.csv": ["id", "location_type", "name", "latitude", "longitude"],
    "addresses.csv": [
        "id",
        "location_id",
        "address_1",
        "city",
        "country",
        "address_type",
        "x_jiwar_address_fr",
        "x_jiwar_address_ar",
        "x_jiwar_address_en",
    ],
    "service_at_locations.csv": ["id", "service_id", "location_id"],
    "schedules.csv": [
        "id",
        "service_id",
        "freq",
        "wkst",
        "byday",
        "opens_at",
        "closes_at",
        "valid_from",
        "valid_to",
        "description",
    ],
    "phones.csv": ["id", "service_id", "number", "type", "description"],
    "languages.csv": ["id", "service_id", "code", "name"],
}


def export_csv_zip(entries: list[Service]) -> bytes:
    tables: dict[str, list[dict]] = {name: [] for name in CSV_COLUMNS}
    for service in entries:
        record = service_record(service)
        flat = {
            key: record[key]
            for key in (
                "id",
                "name",
                "description",
                "status",
                "eligibility_description",
                "fees_description",
                "assured_date",
            )
        }
        flat["organization_id"] = record["organization"]["id"]
        for field in ("name", "description", "eligibility", "cost_note"):
            for code in LANGUAGES:
                flat[f"x_jiwar_{field}_{code}"] = record[f"x_jiwar_{field}"][code]
        flat["x_jiwar_needs"] = " ".join(record["x_jiwar_needs"])
        flat["x_jiwar_access"] = " ".join(record["x_jiwar_access"])
        flat["x_jiwar_no_documents_needed"] = "true" if record["x_jiwar_no_documents_needed"] else "false"
        flat["x_jiwar_free"] = "true" if record["x_jiwar_free"] else "false"
        tables["services.csv"].append(flat)
        tables["organizations.csv"].append(record["organization"])
        for link in record["service_at_locations"]:
            location = link["location"]
            tables["locations.csv"].append(location)
            tables["addresses.csv"].extend(_flat_address(a) for a in location["addresses"])
            tables["service_at_locations.csv"].append(link)
        tables["schedules.csv"].extend(record["schedules"])
        tables["phones.csv"].extend(record["phones"])
        tables["languages.csv"].extend(record["languages"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, columns in CSV_COLUMNS.items():
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            for row in tables[name]:
                writer.writerow({k: "" if v is None else v for k, v in row.items()})
            archive.writestr(name, text.getvalue())
    return buffer.getvalue()


def _flat_address(address: dict) -> dict:
    """An address as a CSV row: its three languages as columns of their own."""
    row = {key: value for key, value in address.items() if key != "x_jiwar_address"}
    for code in LANGUAGES:
        row[f"x_jiwar_address_{code}"] = address["x_jiwar_address"][code]
    return row


# -- Import ----------------------------------------------------------------------------------------


@dataclass
class ImportError_:
    row: str  # "services[12]" or "schedules.csv line 40"
    field: str
    reason: str


class ImportRefused(Exception):
    def __init__(self, errors: list[ImportError_]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def _text(value) -> str:
    return "" if value is None else str(value).replace("\x00", "").strip()


def _flag(value) -> bool:
    return value is True or _text(value).lower() in ("true", "1", "yes", "oui")


def _clock(value, where: str, field: str, errors) -> time | None:
    text = _text(value)
    if not text:
        return None
    try:
        return time.fromisoformat(text[:8] if len(text) > 5 else text)
    except ValueError:
        errors.append(ImportError_(where, field, _("%(value)s is not a time (HH:MM).", value=text)))
        return None


def _day(value, where, field, errors) -> date | None:
    text = _text(value)
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        errors.append(ImportError_(where, field, _("%(value)s is not a date (YYYY-MM-DD).", value=text)))
        return None


def _number(value, where, field, errors) -> float | None:
    text = _text(value)
    if not text:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        errors.append(ImportError_(where, field, _("%(value)s is not a number.", value=text)))
        return None


def _data_from(record: dict, where: str, municipality_id: int, errors: list) -> writes.ServiceData:
    """One HSDS service (nested form) read into what the directory's checks take."""
    organization = record.get("organization") or {}
    names = record.get("x_jiwar_name") or {}
    name = (
        {code: _text(names.get(code)) for code in LANGUAGES} if names else {"fr": _text(record.get("name"))}
    )
    descriptions = record.get("x_jiwar_description") or {"fr": _text(record.get("description"))}
    eligibility = record.get("x_jiwar_eligibility") or {"fr": _text(record.get("eligibility_description"))}
    needs = record.get("x_jiwar_needs")
    if needs is None:
        needs = [_text((a.get("taxonomy_term") or {}).get("code")) for a in record.get("attributes") or []]
    if isinstance(needs, str):
        needs = needs.split()
    access = record.get("x_jiwar_access") or []
    if isinstance(access, str):
        access = access.split()
    latitude = longitude = None
    address: dict[str, str] = {}
    for link in record.get("service_at_locations") or []:
        location = link.get("location") or {}
        latitude = _number(location.get("latitude"), where, "latitude", errors)
        longitude = _number(location.get("longitude"), where, "longitude", errors)
        for found in location.get("addresses") or []:
            address = _translated(found, "address", found.get("address_1"))
        break
    phone = whatsapp = ""
    for entry in record.get("phones") or []:
        if _text(entry.get("type")) == "text" or "whatsapp" in _text(entry.get("description")).lower():
            whatsapp = whatsapp or _text(entry.get("number"))
        else:
            phone = phone or _text(entry.get("number"))
    weekly: dict[int, list[str]] = {}
    periods: dict[tuple[str, str], list[str]] = {}
    for index, schedule in enumerate(record.get("schedules") or []):
        place = f"{where} schedules[{index}]"
        opens = _clock(schedule.get("opens_at"), place, "opens_at", errors)
        closes = _clock(schedule.get("closes_at"), place, "closes_at", errors)
        if _text(schedule.get("valid_from")):
            first = _day(schedule.get("valid_from"), place, "valid_from", errors)
            last = _day(schedule.get("valid_to") or schedule.get("valid_from"), place, "valid_to", errors)
            if first and last:
                hours_text = periods.setdefault((first.isoformat(), last.isoformat()), [])
                if opens and closes:
                    hours_text.append(hours_mod.Interval(opens, closes).text())
            continue
        if _text(schedule.get("freq")).upper() not in ("WEEKLY", ""):
            errors.append(ImportError_(place, "freq", _("Only weekly schedules (freq WEEKLY) are read.")))
            continue
        days = [d.strip().upper()[-2:] for d in _text(schedule.get("byday")).split(",") if d.strip()]
        if not days or any(d not in DAYS for d in days):
            errors.append(ImportError_(place, "byday", _("byday lists days as MO,TU,WE,TH,FR,SA,SU.")))
            continue
        if (opens is None or closes is None) and not (
            _text(schedule.get("opens_at")) and _text(schedule.get("closes_at"))
        ):
            errors.append(
                ImportError_(place, "opens_at", _("A weekly schedule needs opens_at and closes_at."))
            )
            continue
        if opens is None or closes is None:
            continue  # already reported as not a time
        for d in days:
            weekly.setdefault(DAYS.index(d), []).append(hours_mod.Interval(opens, closes).text())
    exceptions = "\n".join(
        f"{first}..{last}: {', '.join(texts) if texts else 'closed'}"
        for (first, last), texts in sorted(periods.items())
    )
    fees = _text(record.get("fees_description"))
    free = record.get("x_jiwar_free")
    # "free" is how HSDS says there is no cost; a long description from elsewhere is cut to size.
    cost_note = _translated(record, "cost_note", "" if fees.lower() == "free" else fees[:200])
    return writes.ServiceData(
        municipality_id=municipality_id,
        provider_name=_text(organization.get("name")),
        provider_kind=_text(organization.get("x_jiwar_provider_kind")) or "ngo",
        name=name,
        description={code: _text(descriptions.get(code)) for code in LANGUAGES},
        eligibility={code: _text(eligibility.get(code)) for code in LANGUAGES},
        address=address,
        latitude=latitude,
        longitude=longitude,
        needs=[n for n in needs if n],
        languages=[_text(g.get("code")) for g in record.get("languages") or [] if _text(g.get("code"))],
        walk_in="walk_in" in access,
        by_appointment="by_appointment" in access,
        by_referral="by_referral" in access,
        hotline="hotline" in access,
        no_documents_needed=_flag(record.get("x_jiwar_no_documents_needed")),
        is_free=_flag(free) if free is not None else fees.lower() in ("free", "gratuit", ""),
        cost_note=cost_note,
        phone=phone,
        whatsapp=whatsapp,
        weekly_hours={day: ", ".join(texts) for day, texts in weekly.items()},
        exceptions=exceptions,
    )


def _translated(record: dict, field: str, fallback) -> dict[str, str]:
    """A text in three languages: the x_jiwar_ field as JSON gives it ({"fr": ...}) or as CSV columns
    (x_jiwar_address_fr...), else HSDS's single text taken to be in its own language."""
    nested = record.get(f"x_jiwar_{field}")
    values = nested if isinstance(nested, dict) else {
        code: record.get(f"x_jiwar_{field}_{code}") for code in LANGUAGES
    }
    if any(_text(value) for value in values.values()):
        return {code: _text(values.get(code)) for code in LANGUAGES}
    return as_texts(_text(fallback))


def records_from_json(raw: bytes) -> tuple[list[tuple[str, dict]], list[ImportError_]]:
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        return [], [ImportError_(_("file"), "", _("Not a JSON file: %(reason)s", reason=str(error)[:200]))]
    services = document.get("services") if isinstance(document, dict) else document
    if not isinstance(services, list):
        return [], [ImportError_(_("file"), "services", _("The file holds no list of services."))]
    found = []
    errors = []
    for index, record in enumerate(services):
        if not isinstance(record, dict):
            errors.append(ImportError_(f"services[{index}]", "", _("Not a service object.")))
        else:
            found.append((f"services[{index}] ({_text(record.get('id'))})", record))
    return found, errors


def records_from_csv_zip(raw: bytes) -> tuple[list[tuple[str, dict]], list[ImportError_]]:
    """HSDS's CSV tables joined back into nested services, each row remembered for the report."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        return [], [ImportError_(_("file"), "", _("Not a zip of HSDS CSV files."))]
    names = {name.rsplit("/", 1)[-1]: name for name in archive.namelist()}
    if "services.csv" not in names:
        return [], [ImportError_(_("file"), "services.csv", _("The zip has no services.csv."))]

    def table(name: str) -> list[dict]:
        if name not in names:
            return []
        if archive.getinfo(names[name]).file_size > 50 * 1024 * 1024:
            raise ImportRefused([ImportError_(name, "", _("This file is too large."))])
        text = archive.read(names[name]).decode("utf-8-sig", errors="replace")
        return list(csv.DictReader(io.StringIO(text)))

    services = table("services.csv")
    by_service: dict[str, dict[str, list]] = {}
    for kind in ("schedules", "phones", "languages", "service_at_locations"):
        for row in table(f"{kind}.csv"):
            by_service.setdefault(_text(row.get("service_id")), {}).setdefault(kind, []).append(row)
    organizations = {_text(row.get("id")): row for row in table("organizations.csv")}
    locations = {_text(row.get("id")): dict(row, addresses=[]) for row in table("locations.csv")}
    for row in table("addresses.csv"):
        if _text(row.get("location_id")) in locations:
            locations[_text(row.get("location_id"))]["addresses"].append(row)
    found = []
    errors = []
    for line, row in enumerate(services, start=2):
        sid = _text(row.get("id"))
        where = f"services.csv line {line} ({sid})"
        if _text(row.get("organization_id")) not in organizations:
            errors.append(
                ImportError_(where, "organization_id", _("No such organization in organizations.csv."))
            )
            continue
        related = by_service.get(sid, {})
        record = dict(row)
        record["organization"] = organizations[_text(row.get("organization_id"))]
        for field in ("name", "description", "eligibility"):
            values = {code: row.get(f"x_jiwar_{field}_{code}") for code in LANGUAGES}
            if any(_text(v) for v in values.values()):
                record[f"x_jiwar_{field}"] = values
        for key in ("x_jiwar_needs", "x_jiwar_access", "x_jiwar_no_documents_needed", "x_jiwar_free"):
            if _text(row.get(key)) == "" and key != "x_jiwar_needs":
                record.pop(key, None)
        record["schedules"] = related.get("schedules", [])
        record["phones"] = related.get("phones", [])
        record["languages"] = related.get("languages", [])
        record["service_at_locations"] = [
            {"location": locations.get(_text(link.get("location_id")), {})}
            for link in related.get("service_at_locations", [])
        ]
        found.append((where, record))
    return found, errors


def read_file(raw: bytes, filename: str) -> tuple[list[tuple[str, dict]], list[ImportError_]]:
    if filename.lower().endswith(".zip") or raw[:2] == b"PK":
        return records_from_csv_zip(raw)
    return records_from_json(raw)


def import_services(actor, raw: bytes, filename: str, municipality_id: int) -> int:
    """Check the whole file, then write every entry in one transaction; ImportRefused (nothing
    written) lists every error."""
    if not writes.permissions.can_edit_services_of(actor, municipality_id):
        raise ImportRefused(
            [ImportError_(_("file"), "", _("You cannot edit this municipality's directory."))]
        )
    records, errors = read_file(raw, filename)
    if len(records) > MAX_ENTRIES:
        raise ImportRefused([ImportError_(_("file"), "", _("At most 20,000 entries a file."))])
    checked = []
    for where, record in records:
        found: list[ImportError_] = []
        data = _data_from(record, where, municipality_id, found)
        problems, hours = writes.problems(data)
        found += [
            ImportError_(where, problem.field or problem.code, str(problem.message)) for problem in problems
        ]
        errors += found
        if not found:
            checked.append((data, hours))
    if errors:
        raise ImportRefused(errors)
    if not checked:
        raise ImportRefused([ImportError_(_("file"), "services", _("The file holds no service."))])
    created = []
    try:
        for data, hours in checked:
            service = Service()
            writes.fill(service, data, hours)
            db.session.add(service)
            created.append(service)
        db.session.flush()
        record_audit(
            "directory.services_imported", actor=actor, count=len(created), municipality_id=municipality_id
        )
        service_changed.send(db.session, service_ids=sorted(s.id for s in created), action="imported")
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return len(created)
