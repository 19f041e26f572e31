"""Two app servers behind nginx, as README's "More than one server" runs them: nginx runs
deploy/nginx.conf itself (bench/cluster_stack.py changes only addresses, paths and the certificate),
each gunicorn has its own working folder, photos go to a bucket of a real local S3 server. A
registration burst stays exact; a server killed mid-burst fails only the requests it had in hand and
loses nothing written; a photo sent through one server is served by the other; nginx's access log
holds no password-link token; nginx keeps public pages and never a signed-in one.

PostgreSQL only (two servers share one database; SQLite is for one machine). nginx comes from Debian
(`make nginx`, run by `make test`); when it is missing these tests fail saying so, never skip."""

import io
import os
import secrets
import threading
import time
from http.client import HTTPConnection

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from bench import rush
from bench.cluster_stack import AppServer, Nginx, csrf_header, session_cookie
from tests.factories import make_call, make_event, make_user
from tests.proposals.conftest import image_bytes
from tests.transactions import database_connection

pytestmark = [pytest.mark.postgres_only, pytest.mark.cluster]

SECRET = "cluster-test-secret-0123456789abcdef"  # noqa: S105
COOKIE = "__Host-session"  # the production cookie
ORIGIN = "https://127.0.0.1"  # nginx passes the host without the port
RIGHT = {"people who got no answer (neither confirmed nor waiting)": 0, "5xx answers": 0,
         "confirmed rows beyond the capacity": 0, "rows for the people who pressed, missing or doubled": 0,
         "counters unequal to the rows": 0, "confirmed after someone put on the waiting list": 0,
         "waiting list out of acceptance order": 0, "answers that disagree with the row": 0,
         "accepted before a registration answered earlier": 0}


def _start(folder, s3_server):
    env = {"JIWAR_CONFIG": "production", "SECRET_KEY": SECRET, "JIWAR_TEST_DB": os.environ["JIWAR_TEST_DB"],
           "JIWAR_TRUSTED_PROXIES": "1", "JIWAR_STORAGE_URL": s3_server.new_bucket(),
           "JIWAR_DB_POOL_SIZE": "1"}
    servers = []
    try:
        for name in ("server-1", "server-2"):
            servers.append(AppServer(folder / name, env, workers=2, app="tests.cluster.wsgi_app:app"))
        return Nginx(folder / "nginx", [server.port for server in servers]), servers
    except Exception:
        _stop(None, servers)
        raise


def _stop(nginx, servers):
    if nginx is not None:
        nginx.stop()
    for server in servers:
        server.kill()  # nothing to finish: the test has its answers
        server.stop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, s3_server):
    """Shared by the tests that leave both servers running (their rows are emptied after each test)."""
    nginx, servers = _start(tmp_path_factory.mktemp("cluster"), s3_server)
    yield nginx, servers
    _stop(nginx, servers)


@pytest.fixture
def cluster_to_break(tmp_path, s3_server):
    nginx, servers = _start(tmp_path, s3_server)
    yield nginx, servers
    _stop(nginx, servers)


def _crowd(users) -> list[tuple[int, str, str]]:
    raws = {user.id: secrets.token_hex(20) for user in users}
    return [(user.id, session_cookie(SECRET, COOKIE, user, raws[user.id]), csrf_header(SECRET, raws[user.id]))
            for user in users]


def _served(nginx, server) -> list[str]:
    return [line for line in nginx.access_log() if f" 127.0.0.1:{server.port} " in line]


def _checks(event_id, answers, capacity):
    rush.read_outcomes(answers, SECRET, COOKIE)
    with database_connection() as connection:
        return rush.check(connection, event_id, answers, capacity)


def test_a_registration_burst_through_two_servers_stays_exact(cluster, oujda):
    nginx, servers = cluster
    event = make_event(oujda, capacity=8)
    crowd = _crowd([make_user(f"Résident {n}") for n in range(40)])
    answers = rush.rush(nginx.connect, event.id, crowd, spread_seconds=1.5, opens_in=0.3, origin=ORIGIN)
    checks = _checks(event.id, answers, 8)
    assert {name: checks[name] for name in RIGHT} == RIGHT
    assert (checks["confirmed rows"], checks["waiting rows"]) == (8, 32)
    assert all(_served(nginx, server) for server in servers), "nginx sent the burst to both servers"


def test_a_server_killed_mid_burst_fails_only_what_it_had_in_hand_and_loses_nothing(cluster_to_break, oujda):
    nginx, (first, second) = cluster_to_break
    event = make_event(oujda, capacity=10)
    crowd = _crowd([make_user(f"Résident {n}") for n in range(60)])
    killed_at = []

    def kill_once_it_has_served_some():
        deadline = time.monotonic() + 60
        while len(_served(nginx, second)) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        second.kill()
        killed_at.append(time.monotonic())

    killer = threading.Thread(target=kill_once_it_has_served_some)
    killer.start()
    answers = rush.rush(nginx.connect, event.id, crowd, spread_seconds=5.0, opens_in=0.3, origin=ORIGIN)
    killer.join()
    checks = _checks(event.id, answers, 10)
    failed = [answer for answer in answers if answer.outcome not in ("confirmed", "waiting")]
    # Failed: only requests the killed server had been sent (nginx answers 502, never resends a POST).
    bad_gateway = [line for line in nginx.access_log(at_least=len(answers)) if '" 502 ' in line]
    assert all(answer.status == 502 for answer in failed) and len(bad_gateway) == len(failed)
    assert all(f" 127.0.0.1:{second.port} " in line for line in bad_gateway)
    # After the kill (and the moment nginx needs to see it) everyone is answered, by the first server.
    later = [answer for answer in answers if answer.sent > killed_at[0] + 0.2]
    assert later and all(answer.outcome in ("confirmed", "waiting") for answer in later)
    # Nothing written is lost: every answer has its row, counters equal rows, the capacity holds.
    expected = {**RIGHT, "people who got no answer (neither confirmed nor waiting)": len(failed),
                "5xx answers": len(failed)}
    # A failed request may or may not have been committed before the server died: its row is counted.
    rows = checks["confirmed rows"] + checks["waiting rows"]
    expected["rows for the people who pressed, missing or doubled"] = len(answers) - rows
    assert {name: checks[name] for name in RIGHT} == expected
    assert checks["confirmed rows"] == 10 and len(answers) - len(failed) <= rows <= len(answers)
    assert _served(nginx, first) and _served(nginx, second)


def test_a_photo_sent_through_one_server_is_served_by_the_other_from_the_bucket(cluster, oujda):
    nginx, servers = cluster
    call = make_call(oujda)
    ((_user_id, cookie, token),) = _crowd([make_user("Fatou")])
    photo = image_bytes("PNG", size=(120, 90))
    boundary, body = encode_multipart(MultiDict({
        "title": "Un jardin partagé", "category_id": str(call.categories[0].id), "place": "Quartier Al Qods",
        "description": "Un jardin où voisins et nouveaux arrivants cultivent ensemble le samedi.",
        "photo": FileStorage(io.BytesIO(photo), "jardin.png", content_type="image/png"),
    }))
    connection = nginx.connect()
    connection.request("POST", f"/en/calls/{call.id}/propose", body=body, headers={
        "Cookie": cookie, "X-CSRFToken": token, "Referer": f"{ORIGIN}/en/calls/{call.id}/propose",
        "Content-Type": f"multipart/form-data; boundary={boundary}"})
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 303, response.status
    proposal_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    served = []
    for server in servers:  # each server asked directly, as nginx would send it there
        direct = HTTPConnection("127.0.0.1", server.port, timeout=10)
        direct.request("GET", f"/en/proposals/{proposal_id}/photo", headers={"Host": "127.0.0.1"})
        answer = direct.getresponse()
        served.append((answer.status, answer.getheader("Content-Type"), answer.read()))
        direct.close()
    assert served[0] == served[1] and served[0][:2] == (200, "image/jpeg") and served[0][2][:2] == b"\xff\xd8"
    assert [server.files_written() for server in servers] == [[], []], "no server kept the photo on its disk"


def test_nginx_logs_no_reset_token_and_keeps_only_anonymous_public_pages(cluster, oujda):
    nginx, servers = cluster
    token = secrets.token_urlsafe(24)
    connection = nginx.connect()
    earlier = len(nginx.access_log())
    listing = f"/en/events?q={token[:8]}"  # an address no earlier test asked for: not in the cache yet
    for path, headers in [(f"/fr/reset/{token}", {}), (listing, {}), (listing, {}),
                          (listing, {"Cookie": _crowd([make_user("Amina")])[0][1]})]:
        connection.request("GET", path, headers={"Referer": f"{ORIGIN}/fr/reset/{token}", **headers})
        connection.getresponse().read()
    connection.close()
    log = nginx.access_log(at_least=earlier + 4)[earlier:]
    assert not [line for line in log if token in line]
    assert "/fr/reset/[redacted]" in log[0] and f'"{ORIGIN}/fr/reset/[redacted]"' in log[0]
    events = [line.rsplit("cache=", 1)[1] for line in log[1:]]
    assert events == ["MISS", "HIT", "BYPASS"]
    for server in servers:  # gunicorn's own access logs redact it too (app/core/access_log.py)
        assert token not in (server.folder / "access.log").read_text()
