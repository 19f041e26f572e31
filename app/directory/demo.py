"""Demo directory: ten fictional services in each of Oujda, Raoued and La Marsa, in three languages,
with hours (one past midnight, Ramadan hours), a staff-only shelter and a stale entry in each."""

from datetime import timedelta

import sqlalchemy as sa

from app.core.time import utcnow
from app.directory.models import Service
from app.directory.services import ServiceData, check, fill
from app.extensions import db

# (need(s), provider kind, fr, ar, en, description fr, description ar, description en, languages,
#  walk in, no documents, hours)
KINDS = [
    (
        ["health"],
        "ngo",
        "Centre de santé solidaire",
        "المركز الصحي التضامني",
        "Solidarity health centre",
        "Consultations de médecine générale sans rendez-vous, vaccins des enfants.",
        "استشارات طب عام بدون موعد، تلقيح الأطفال.",
        "General practice without appointment, children's vaccines.",
        ["fr", "ar", "ary", "en"],
        True,
        True,
        {0: "08:30-16:30", 1: "08:30-16:30", 2: "08:30-16:30", 3: "08:30-16:30", 4: "08:30-12:00"},
    ),
    (
        ["legal_aid", "asylum"],
        "ngo",
        "Permanence juridique",
        "المداومة القانونية",
        "Legal aid desk",
        "Conseil gratuit sur le séjour, l'asile et le travail ; accompagnement aux démarches.",
        "استشارة مجانية حول الإقامة واللجوء والشغل؛ مرافقة في الإجراءات.",
        "Free advice on residence, asylum and work; help with procedures.",
        ["fr", "ar", "en", "wo"],
        True,
        True,
        {1: "09:00-13:00", 3: "14:00-18:00"},
    ),
    (
        ["asylum"],
        "un_agency",
        "Bureau d'enregistrement des demandeurs d'asile",
        "مكتب تسجيل طالبي اللجوء",
        "Asylum seekers' registration office",
        "Enregistrement et renouvellement des attestations, sur rendez-vous.",
        "التسجيل وتجديد الشهادات، بموعد.",
        "Registration and renewal of certificates, by appointment.",
        ["fr", "ar", "en", "ha"],
        False,
        False,
        {0: "09:00-15:00", 2: "09:00-15:00"},
    ),
    (
        ["education"],
        "public",
        "Inscription scolaire et soutien",
        "التسجيل المدرسي والدعم",
        "School enrolment and tutoring",
        "Aide à l'inscription des enfants à l'école publique, soutien scolaire le soir.",
        "مساعدة على تسجيل الأطفال في المدرسة العمومية، دعم مدرسي مسائي.",
        "Help enrolling children in public school, evening tutoring.",
        ["fr", "ar"],
        True,
        True,
        {0: "17:00-19:00", 2: "17:00-19:00", 4: "17:00-19:00"},
    ),
    (
        ["language"],
        "ngo",
        "Cours d'arabe dialectal et de français",
        "دروس الدارجة والفرنسية",
        "Darija and French classes",
        "Cours du soir gratuits pour adultes, tous niveaux.",
        "دروس مسائية مجانية للكبار، لكل المستويات.",
        "Free evening classes for adults, all levels.",
        ["ary", "fr", "bm", "wo"],
        True,
        True,
        {1: "18:00-20:00", 3: "18:00-20:00"},
    ),
    (
        ["employment"],
        "municipality",
        "Point emploi de la commune",
        "نقطة الشغل بالبلدية",
        "Municipal job point",
        "Offres d'emploi, CV, orientation vers la formation professionnelle.",
        "عروض الشغل، السيرة الذاتية، التوجيه نحو التكوين المهني.",
        "Job offers, CVs, guidance towards vocational training.",
        ["fr", "ar"],
        True,
        False,
        {
            0: "09:00-12:00, 14:00-16:30",
            1: "09:00-12:00, 14:00-16:30",
            2: "09:00-12:00",
            3: "09:00-12:00, 14:00-16:30",
        },
    ),
    (
        ["housing"],
        "ngo",
        "Accueil de nuit",
        "مأوى ليلي",
        "Night shelter",
        "Hébergement d'urgence pour la nuit, repas chaud.",
        "إيواء استعجالي ليلي، وجبة ساخنة.",
        "Emergency accommodation for the night, a hot meal.",
        ["fr", "ar", "ha", "dje"],
        True,
        True,
        dict.fromkeys(range(7), "20:00-08:00+1"),
    ),
    (
        ["psychosocial"],
        "ngo",
        "Écoute et soutien psychosocial",
        "الإنصات والدعم النفسي والاجتماعي",
        "Listening and psychosocial support",
        "Entretiens individuels et groupes de parole, confidentiels.",
        "مقابلات فردية ومجموعات حوار، بسرية.",
        "Individual sessions and support groups, confidential.",
        ["fr", "ar", "en"],
        False,
        True,
        {2: "10:00-16:00", 4: "10:00-16:00"},
    ),
    (
        ["information"],
        "municipality",
        "Guichet d'information des migrants",
        "شباك إرشاد المهاجرين",
        "Migrants' information desk",
        "Chaque semaine : informations sur les droits et orientation vers les services.",
        "كل أسبوع: معلومات حول الحقوق والتوجيه نحو الخدمات.",
        "Every week: information on rights and referral to services.",
        ["fr", "ar", "en", "ary", "zgh"],
        True,
        True,
        {2: "10:00-13:00"},
    ),
]
SHELTER = (
    ["protection", "housing"],
    "ngo",
    "Foyer pour femmes et enfants",
    "مأوى النساء والأطفال",
    "Shelter for women and children",
    "Adresse communiquée par l'équipe du guichet uniquement.",
    "يُعطى العنوان من طرف فريق الشباك فقط.",
    "Address given by the desk's team only.",
    ["fr", "ar", "en"],
    False,
    True,
    dict.fromkeys(range(7), "00:00-00:00+1"),
)
PROVIDERS = {
    "oujda": ("Association Oriental Solidarité",
              {"fr": "Bd Mohammed V, Oujda", "ar": "شارع محمد الخامس، وجدة"}, (34.6814, -1.9086)),
    "raoued": ("Association Raoued Entraide",
               {"fr": "Avenue de la République, Raoued", "ar": "شارع الجمهورية، رواد"}, (36.9333, 10.1833)),
    "la-marsa": ("Association Marsa Accueil",
                 {"fr": "Rue du Maroc, La Marsa", "ar": "نهج المغرب، المرسى"}, (36.8782, 10.3247)),
}
# The language course asks for a small fee (the others are free): the cost in each language.
LANGUAGE_COURSE_FEE = {
    "fr": "50 dirhams par trimestre, livres compris",
    "ar": "50 درهما في الفصل، الكتب مشمولة",
    "en": "50 dirhams a term, books included",
}


def seed_directory(accounts: dict, lines: list[str]) -> None:
    if db.session.scalar(sa.select(sa.func.count()).select_from(Service)):
        return
    municipalities = accounts["municipalities"]
    now = utcnow()
    count = 0
    for slug, (provider, address, (lat, lon)) in PROVIDERS.items():
        municipality = municipalities.get(slug)
        if municipality is None:
            continue
        for index, kind in enumerate([*KINDS, SHELTER]):
            needs, provider_kind, fr, ar, en, dfr, dar, den, languages, walk_in, no_documents, hours = kind
            exceptions = "2027-02-18..2027-03-19: 10:00-15:00" if index == 0 else ""
            data = ServiceData(
                municipality_id=municipality.id,
                provider_name=provider if provider_kind == "ngo" else municipality.name_fr,
                provider_kind=provider_kind,
                name={"fr": fr, "ar": ar, "en": en if index != 4 else ""},  # one without English
                description={"fr": dfr, "ar": dar, "en": den},
                address=address if kind is not SHELTER else {},
                is_free="language" not in needs,
                cost_note={} if "language" not in needs else LANGUAGE_COURSE_FEE,
                latitude=round(lat + index * 0.001, 4) if kind is not SHELTER else None,
                longitude=round(lon + index * 0.001, 4) if kind is not SHELTER else None,
                needs=needs,
                languages=languages,
                walk_in=walk_in,
                by_appointment=not walk_in,
                hotline=kind is SHELTER,
                no_documents_needed=no_documents,
                phone=f"+212 536 {index:02d} 00 00" if slug == "oujda" else f"+216 71 {index:02d} 00 00",
                whatsapp=f"+212 600 00 00 {index:02d}" if slug == "oujda" else "",
                sensitivity="staff" if kind is SHELTER else "public",
                weekly_hours=hours,
                exceptions=exceptions,
            )
            service = Service()
            fill(service, data, check(data))
            service.verified_at = now - timedelta(days=120 if index == 5 else index * 3)  # one stale
            db.session.add(service)
            count += 1
    db.session.flush()
    lines.append(f"Directory: {count} services in Oujda, Raoued and La Marsa (one staff-only shelter each)")
