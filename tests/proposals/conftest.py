import io

import pytest
from PIL import Image

from tests.factories import make_reviewer, make_user


@pytest.fixture
def resident():
    return make_user("Fatou")


@pytest.fixture
def reviewer(oujda):
    return make_reviewer(oujda, display_name="Karim Reviewer")


def image_bytes(fmt="JPEG", size=(64, 48), exif=None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    kwargs = {"exif": exif} if exif else {}
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()
