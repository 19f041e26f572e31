"""Demo data for `make run`: each domain seeds its own part; every step is idempotent."""

from app.extensions import db


def seed_demo() -> list[str]:
    from app.accounts.demo import seed_accounts
    from app.desk_demo import seed_desk
    from app.directory.demo import seed_directory
    from app.events.demo import seed_events
    from app.proposals.demo import seed_proposals
    from app.reports.demo import seed_programmes

    lines: list[str] = []
    accounts = seed_accounts(lines)
    programmes = seed_programmes(accounts, lines)
    seed_events(accounts, programmes, lines)
    seed_proposals(accounts, programmes, lines)
    seed_directory(accounts, lines)
    seed_desk(accounts, programmes, lines)  # its visits refer people to the directory's services
    db.session.commit()
    return lines
