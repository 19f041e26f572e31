"""A programme's own age bands, as its donor defines them ("0-17, 18-24, 25-59, 60+"): read from what
an administrator types, checked (whole years, each band's lowest age not above its highest, in
order, none overlapping the next), and stored as one normalised text ("0-17,18-24,25-59,60+").
Gaps are allowed: a donor may ask only for "15-24"; the people outside every band are counted
apart by the reports."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _

OLDEST = 120
_BAND = re.compile(r"^(\d{1,3})\s*(?:[-–]\s*(\d{1,3})|(\+))$")


class AgeBandsError(ValueError):
    """What is wrong with typed bands, translated for the person typing them."""


@dataclass(frozen=True)
class AgeRange:
    low: int
    high: int | None  # None: no upper end ("60+")

    @property
    def text(self) -> str:
        return f"{self.low}+" if self.high is None else f"{self.low}-{self.high}"

    def holds(self, age: int) -> bool:
        return age >= self.low and (self.high is None or age <= self.high)


def parse_age_bands(text: str | None) -> list[AgeRange]:
    """The bands in `text`, in order; AgeBandsError naming the first wrong one."""
    bands: list[AgeRange] = []
    for part in (piece.strip() for piece in (text or "").replace(";", ",").split(",")):
        if not part:
            continue
        match = _BAND.match(part)
        if match is None:
            raise AgeBandsError(
                _('"%(band)s" is not an age band: write it as 18-24, or 60+ for "60 and over".', band=part)
            )
        low = int(match.group(1))
        high = None if match.group(3) else int(match.group(2))
        if low > OLDEST or (high is not None and high > OLDEST):
            raise AgeBandsError(_("%(band)s: ages go up to %(oldest)s.", band=part, oldest=OLDEST))
        if high is not None and high < low:
            raise AgeBandsError(_("%(band)s: the lowest age comes first.", band=part))
        if bands:
            previous = bands[-1]
            if previous.high is None or low <= previous.high:
                raise AgeBandsError(
                    _("%(band)s overlaps %(previous)s: each band starts after the one before ends.",
                      band=part, previous=previous.text)
                )
        bands.append(AgeRange(low, high))
    if len(bands) > 8:
        raise AgeBandsError(_("Give at most 8 age bands."))
    return bands


def age_bands_text(bands: list[AgeRange]) -> str:
    return ",".join(band.text for band in bands)
