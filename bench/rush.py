"""The registration rush: many signed-in residents press "Register" for one event within a few seconds
of registration opening. Each resident is a thread with a session cookie made beforehand; at its
moment it opens a connection and sends one POST, and
notes when it was sent, when the answer came and what the answer said. Used by bench/cluster.py and
tests/cluster; `check` compares the answers with the rows."""

import random
import threading
import time
from dataclasses import dataclass

import sqlalchemy as sa

from bench.cluster_stack import read_flashes

CONFIRMED = "You are registered. Your ticket is in My events."
WAITING = "The event is full: you are on the waiting list. You will be told if a seat frees up."


@dataclass
class Answer:
    user_id: int
    sent: float = 0.0  # time.monotonic()
    received: float = 0.0
    status: int | None = None
    outcome: str = ""  # confirmed, waiting, refused: <message>, or the error
    set_cookie: object = None


def rush(connect, event_id: int, people: list[tuple[int, str, str]], spread_seconds: float,
         opens_in: float = 1.0, seed: int = 20, origin: str = "https://127.0.0.1") -> list[Answer]:
    """people: (user id, Cookie header, X-CSRFToken). Everyone presses within spread_seconds of the
    opening, at moments drawn at random (the same for a given seed)."""
    rng = random.Random(seed)
    answers = [Answer(user_id) for user_id, _cookie, _token in people]
    moments = [rng.uniform(0, spread_seconds) for _ in people]
    go = threading.Event()
    start = [0.0]

    def press(index: int, cookie: str, token: str) -> None:
        answer = answers[index]
        go.wait()
        time.sleep(max(0.0, start[0] + moments[index] - time.monotonic()))
        headers = {"Cookie": cookie, "X-CSRFToken": token, "Accept-Language": "en",
                   "Content-Type": "application/x-www-form-urlencoded",
                   "Referer": f"{origin}/en/events/{event_id}"}  # the event page, as a browser says
        # The connection (and its TLS handshake) is made when the button is pressed: a page shown a
        # while before would have lost its kept-alive connection, and the handshake counts.
        answer.sent = time.monotonic()
        connection = connect()
        try:
            connection.request("POST", f"/en/events/{event_id}/register", body="", headers=headers)
            response = connection.getresponse()
            response.read()
            answer.received = time.monotonic()
            answer.status = response.status
            answer.set_cookie = response
        except OSError as error:
            answer.received = time.monotonic()
            answer.outcome = f"{type(error).__name__}"
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(index, cookie, token), daemon=True)
               for index, (_user, cookie, token) in enumerate(people)]
    for thread in threads:
        thread.start()
    start[0] = time.monotonic() + opens_in  # every thread is waiting: the window starts now
    go.set()
    for thread in threads:
        thread.join()
    return answers


def read_outcomes(answers: list[Answer], secret_key: str, cookie_name: str) -> None:
    """What each person was told, from the flash message in the answer's session cookie (read after
    the rush, so the client's CPU goes to sending during it)."""
    for answer in answers:
        if answer.set_cookie is None:
            continue
        flashes = read_flashes(secret_key, cookie_name, answer.set_cookie)
        answer.set_cookie = None
        texts = [message for _category, message in flashes]
        if CONFIRMED in texts:
            answer.outcome = "confirmed"
        elif WAITING in texts:
            answer.outcome = "waiting"
        else:
            answer.outcome = "refused: " + "; ".join(texts) if texts else f"status {answer.status}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def check(connection, event_id: int, answers: list[Answer], capacity: int) -> dict[str, int]:
    """The rows against the answers. Acceptance order is the order the registrations took the event's
    row lock, which is their id order (the id is drawn under the lock); the waiting list must follow
    it, and a registration whose answer had come back before another was sent must be ahead of it."""
    participant_of = dict(connection.execute(sa.text(
        'SELECT id, participant_id FROM "user" WHERE id = ANY(:ids)'),
        {"ids": [answer.user_id for answer in answers]}).all())
    rows = connection.execute(sa.text(
        "SELECT id, participant_id, status, queued_at FROM registration WHERE event_id = :event "
        "ORDER BY id"), {"event": event_id}).all()
    counters = connection.execute(sa.text(
        "SELECT confirmed_count, waiting_count FROM event WHERE id = :event"), {"event": event_id}).one()
    by_participant = {row.participant_id: row for row in rows}
    confirmed = [row for row in rows if row.status == "confirmed"]
    waiting = [row for row in rows if row.status == "waiting"]
    queue_order = [row.id for row in sorted(waiting, key=lambda row: (row.queued_at, row.id))]
    told_wrong = 0
    for answer in answers:
        row = by_participant.get(participant_of[answer.user_id])
        if answer.outcome in ("confirmed", "waiting"):
            told_wrong += row is None or row.status != answer.outcome
    # Causality: a registration answered before another was sent must have been accepted first.
    answered = sorted((a for a in answers if a.outcome in ("confirmed", "waiting")), key=lambda a: a.received)
    order = {participant: row.id for participant, row in by_participant.items()}
    overtaken, done, highest = 0, 0, -1
    for answer in sorted((a for a in answers if a.outcome in ("confirmed", "waiting")), key=lambda a: a.sent):
        while done < len(answered) and answered[done].received < answer.sent:
            highest = max(highest, order[participant_of[answered[done].user_id]])
            done += 1
        overtaken += order[participant_of[answer.user_id]] < highest
    return {
        "people who got no answer (neither confirmed nor waiting)": sum(
            answer.outcome not in ("confirmed", "waiting") for answer in answers),
        "5xx answers": sum((answer.status or 0) >= 500 for answer in answers),
        "confirmed rows": len(confirmed),
        "confirmed rows beyond the capacity": max(0, len(confirmed) - capacity),
        "waiting rows": len(waiting),
        "rows for the people who pressed, missing or doubled": abs(len(rows) - len(answers)),
        "counters unequal to the rows": int(counters.confirmed_count != len(confirmed))
        + int(counters.waiting_count != len(waiting)),
        "confirmed after someone put on the waiting list": sum(
            row.id > min((w.id for w in waiting), default=row.id + 1) for row in confirmed),
        "waiting list out of acceptance order": sum(
            a != b for a, b in zip(queue_order, sorted(queue_order), strict=True)),
        "answers that disagree with the row": told_wrong,
        "accepted before a registration answered earlier": overtaken,
    }
