"""Proposal photos: checked, re-encoded without metadata, stored under a random name in the app's
storage (a folder outside the code, or the bucket every app server shares: app/core/storage.py)."""

import contextlib
import io
import secrets
import warnings

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from app.core.storage import StorageError, storage
from app.proposals.errors import ProposalError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding
MAX_SIDE = 1600
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
FOLDER = "proposals/"


def photo_key(name: str) -> str:
    return FOLDER + name  # a name we generated, never one a person typed


def read_photo(file_storage) -> bytes:
    """The re-encoded JPEG bytes of an uploaded photo, or a ProposalError saying what is wrong."""
    data = file_storage.read(MAX_PHOTO_BYTES + 1)
    if len(data) > MAX_PHOTO_BYTES:
        raise ProposalError(_("The photo is too large: 5 MB at most."), code="photo_too_large")
    too_large = ProposalError(_("The photo is too large: 5 MB at most."), code="photo_too_large")
    try:
        with warnings.catch_warnings():
            # Pillow only warns between 89 and 179 megapixels: a refusal here whatever the
            # interpreter's warning filters (in production they would let it through to our check).
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise ProposalError(_("The photo must be a JPEG, PNG or WebP image."), code="photo_type")
                if probe.width * probe.height > MAX_PIXELS:
                    raise too_large
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image = ImageOps.exif_transpose(image)
                image = image.convert("RGB")
                image.thumbnail((MAX_SIDE, MAX_SIDE))
                out = io.BytesIO()
                # No exif= or icc_profile=: the saved file carries no location, device or date.
                image.save(out, format="JPEG", quality=85, optimize=True)
    except ProposalError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ProposalError(_("The photo must be a JPEG, PNG or WebP image."), code="photo_type") from None
    return out.getvalue()


def store_photo(jpeg: bytes) -> str:
    name = f"{secrets.token_hex(16)}.jpg"
    try:
        storage().put(photo_key(name), jpeg, "image/jpeg")
    except StorageError:
        raise ProposalError(
            _("The photo could not be saved just now. Please send the form again."), code="photo_storage"
        ) from None
    return name


def load_photo(name: str) -> bytes | None:
    return storage().get(photo_key(name))


def delete_photo(name: str | None) -> None:
    """Best effort: a file left behind by a failed delete is an orphan, never a broken page."""
    if name:
        with contextlib.suppress(StorageError):
            storage().delete(photo_key(name))
