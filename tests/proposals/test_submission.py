"""Submitting, editing and withdrawing proposals; photos; bad input writes nothing."""

import io

import sqlalchemy as sa
from PIL import Image
from werkzeug.test import EnvironBuilder

from app.extensions import db
from app.proposals.models import Proposal, ProposalStatus, ProposalStatusChange
from app.proposals.photos import photo_key
from tests.conftest import sign_in_as
from tests.factories import make_call, make_proposal, make_support, make_user
from tests.proposals.conftest import image_bytes


def _form(call, **overrides):
    data = {
        "title": "Un jardin partagé",
        "description": "Un jardin où voisins et nouveaux arrivants cultivent ensemble le samedi.",
        "category_id": str(call.categories[0].id),
        "place": "Quartier Al Qods",
        "estimated_cost": "1500",
    }
    data.update(overrides)
    return data


def _count(model=Proposal):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_resident_submits_during_submission_and_history_starts(client, oujda, resident):
    call = make_call(oujda, phase="submission")
    sign_in_as(client, resident)
    response = client.post(f"/calls/{call.id}/propose", data=_form(call))
    assert response.status_code == 303
    proposal = db.session.scalar(sa.select(Proposal))
    assert proposal.author_id == resident.id and proposal.channel == "online"
    assert [h.status for h in proposal.history] == ["submitted"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Un jardin partagé" in page and "The author" in page


def test_submitting_outside_the_phase_is_refused(client, oujda, resident):
    call = make_call(oujda, phase="support")
    sign_in_as(client, resident)
    response = client.post(f"/calls/{call.id}/propose", data=_form(call))
    assert response.status_code == 409
    assert "Proposals can only be submitted during the submission phase." in response.get_data(as_text=True)
    assert _count() == 0


def test_anonymous_is_sent_to_sign_in(client, oujda):
    call = make_call(oujda)
    response = client.post(f"/calls/{call.id}/propose", data=_form(call))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert _count() == 0


def test_empty_and_too_long_descriptions_are_refused_and_the_form_keeps_input(client, oujda, resident):
    call = make_call(oujda)
    sign_in_as(client, resident)
    response = client.post(f"/calls/{call.id}/propose", data=_form(call, description=""))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Describe your proposal." in page and 'value="Un jardin partagé"' in page
    response = client.post(f"/calls/{call.id}/propose", data=_form(call, description="x" * 20_000))
    assert response.status_code == 422
    assert "The description takes 30 to 5,000 characters." in response.get_data(as_text=True)
    assert _count() == 0


def test_french_error_message(client, oujda, resident):
    call = make_call(oujda)
    sign_in_as(client, resident)
    response = client.post(
        f"/calls/{call.id}/propose", data=_form(call, description=""), headers={"Accept-Language": "fr"}
    )
    assert response.status_code == 422
    assert '<html lang="fr"' in response.get_data(as_text=True)


def test_category_of_another_call_is_refused(client, oujda, resident):
    call, other = make_call(oujda), make_call(oujda)
    sign_in_as(client, resident)
    response = client.post(f"/calls/{call.id}/propose", data=_form(call, category_id=other.categories[0].id))
    assert response.status_code == 422 and _count() == 0


def test_photo_is_reencoded_without_metadata_under_a_random_name(client, oujda, resident, photo_storage):
    call = make_call(oujda)
    sign_in_as(client, resident)
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # camera make
    data = _form(call, photo=(io.BytesIO(image_bytes("PNG", exif=exif)), "my home.png"))
    response = client.post(f"/calls/{call.id}/propose", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    proposal = db.session.scalar(sa.select(Proposal))
    assert proposal.photo_name.endswith(".jpg") and "home" not in proposal.photo_name
    stored = photo_storage.get(photo_key(proposal.photo_name))
    assert b"SecretCam" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and not image.getexif()
    served = client.get(f"/proposals/{proposal.id}/photo")
    assert served.status_code == 200 and served.mimetype == "image/jpeg" and served.data == stored
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_a_file_that_is_not_an_image_is_refused(client, oujda, resident, photo_storage):
    call = make_call(oujda)
    sign_in_as(client, resident)
    data = _form(call, photo=(io.BytesIO(b"<script>alert(1)</script>"), "photo.jpg"))
    response = client.post(f"/calls/{call.id}/propose", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The photo must be a JPEG, PNG or WebP image." in page and 'value="Un jardin partagé"' in page
    assert _count() == 0 and photo_storage.keys("") == set()


def test_a_gif_is_refused(client, oujda, resident, photo_storage):
    call = make_call(oujda)
    sign_in_as(client, resident)
    data = _form(call, photo=(io.BytesIO(image_bytes("GIF")), "anim.gif"))
    response = client.post(f"/calls/{call.id}/propose", data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and _count() == 0 and photo_storage.keys("") == set()


def test_a_30_mb_upload_is_refused_with_a_clear_message(client, oujda, resident, photo_storage):
    call = make_call(oujda)
    sign_in_as(client, resident)
    big = image_bytes() + b"\0" * (30 * 1024 * 1024)
    data = _form(call, photo=(io.BytesIO(big), "big.jpg"))
    # The builder spools the 30 MB body to a temporary file that the test closes itself.
    builder = EnvironBuilder(
        path=f"/en/calls/{call.id}/propose", method="POST", data=data, environ_base=dict(client.environ_base)
    )
    environ = builder.get_environ()
    try:
        response = client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()
    assert response.status_code in (413, 422)
    assert "The photo is too large: 5 MB at most." in response.get_data(as_text=True)
    assert _count() == 0 and photo_storage.keys("") == set()


def test_html_in_every_field_is_shown_as_text(client, oujda, resident):
    call = make_call(oujda, phase="submission")
    sign_in_as(client, resident)
    evil = "<script>alert('x')</script><b>gras</b>"
    response = client.post(
        f"/calls/{call.id}/propose",
        data=_form(
            call, title=evil, description=evil + " et une description assez longue pour passer.", place=evil
        ),
    )
    assert response.status_code == 303
    proposal = db.session.scalar(sa.select(Proposal))
    for url in (f"/proposals/{proposal.id}", f"/calls/{call.id}", "/me/proposals"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_author_edits_until_the_first_support(client, oujda, resident):
    call = make_call(oujda)
    proposal = make_proposal(call, resident)
    sign_in_as(client, resident)
    response = client.post(f"/proposals/{proposal.id}/edit", data=_form(call, title="Nouveau titre"))
    assert response.status_code == 303
    assert db.session.get(Proposal, proposal.id).title == "Nouveau titre"
    make_support(db.session.get(Proposal, proposal.id), make_user())
    response = client.post(f"/proposals/{proposal.id}/edit", data=_form(call, title="Encore"))
    assert response.status_code == 303
    assert db.session.get(Proposal, proposal.id).title == "Nouveau titre"
    page = client.get(f"/proposals/{proposal.id}/edit").get_data(as_text=True)
    assert "This proposal can no longer be changed" in page


def test_no_edit_after_the_submission_phase(client, oujda, resident):
    call = make_call(oujda, phase="support")
    proposal = make_proposal(call, resident)
    sign_in_as(client, resident)
    client.post(f"/proposals/{proposal.id}/edit", data=_form(call, title="Nouveau titre"))
    assert db.session.get(Proposal, proposal.id).title != "Nouveau titre"


def test_someone_else_cannot_edit_or_withdraw(client, oujda, resident):
    call = make_call(oujda)
    proposal = make_proposal(call, resident)
    sign_in_as(client, make_user())
    assert client.post(f"/proposals/{proposal.id}/edit", data=_form(call)).status_code == 403
    assert client.get(f"/proposals/{proposal.id}/withdraw").status_code == 403
    assert client.post(f"/proposals/{proposal.id}/withdraw", data={"confirmed": "1"}).status_code == 403
    assert db.session.get(Proposal, proposal.id).status == ProposalStatus.SUBMITTED


def test_author_withdraws_and_history_shows_it(client, oujda, resident):
    call = make_call(oujda)
    proposal = make_proposal(call, resident)
    sign_in_as(client, resident)
    page = client.get(f"/proposals/{proposal.id}")
    assert f'href="/en/proposals/{proposal.id}/withdraw"' in page.text  # a link to the question
    url = f"/proposals/{proposal.id}/withdraw"
    for asked in (client.get(url), client.post(url)):
        assert asked.status_code == 200 and "Withdrawing cannot be undone" in asked.text
        assert "the municipality will not review your proposal" in asked.text
    assert db.session.get(Proposal, proposal.id).status == ProposalStatus.SUBMITTED
    assert client.post(f"/proposals/{proposal.id}/withdraw", data={"confirmed": "1"}).status_code == 303
    assert db.session.get(Proposal, proposal.id).status == ProposalStatus.WITHDRAWN
    statuses = db.session.scalars(sa.select(ProposalStatusChange.status)).all()
    assert statuses == ["withdrawn"]
    # withdrawn proposals leave the default list but stay reachable
    assert proposal.title not in client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert client.get(f"/proposals/{proposal.id}").status_code == 200
