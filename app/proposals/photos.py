"""Proposal photos: checked, re-encoded without metadata, stored under a random name outside the code."""

import io
import secrets
import warnings
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from app.proposals.errors import ProposalError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding
MAX_SIDE = 1600
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


def upload_dir() -> Path:
    path = Path(current_app.config["JIWAR_UPLOAD_DIR"]) / "proposals"
    path.mkdir(parents=True, exist_ok=True)
    return path


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
    (upload_dir() / name).write_bytes(jpeg)
    return name


def delete_photo(name: str | None) -> None:
    if name:
        (upload_dir() / name).unlink(missing_ok=True)
