"""The needs a directory service answers; desk visits record their topics with the same list."""

from flask_babel import lazy_gettext as _l

from app.core.enums import LabelledEnum


class Need(LabelledEnum):
    HEALTH = "health"
    LEGAL_AID = "legal_aid"
    ASYLUM = "asylum"  # asylum and registration
    EDUCATION = "education"
    LANGUAGE_CLASSES = "language"
    EMPLOYMENT = "employment"
    HOUSING = "housing"  # housing and shelter
    PSYCHOSOCIAL = "psychosocial"
    PROTECTION = "protection"  # protection of women and children
    INFORMATION = "information"  # information desk

    @classmethod
    def _labels(cls):
        return {
            cls.HEALTH: _l("Health"),
            cls.LEGAL_AID: _l("Legal aid"),
            cls.ASYLUM: _l("Asylum and registration"),
            cls.EDUCATION: _l("Education"),
            cls.LANGUAGE_CLASSES: _l("Language classes"),
            cls.EMPLOYMENT: _l("Employment"),
            cls.HOUSING: _l("Housing and shelter"),
            cls.PSYCHOSOCIAL: _l("Psychosocial support"),
            cls.PROTECTION: _l("Protection of women and children"),
            cls.INFORMATION: _l("Information desk"),
        }
