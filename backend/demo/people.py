"""Organisations, programmes, funders and people of every role, all fictional.

Every function is idempotent: objects are looked up by a natural key and created only when
missing, so running the seed twice changes nothing.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from backend.accounts.models import (
    Consent,
    ConsentChannel,
    ConsentNotice,
    Difficulty,
    Education,
    IdDocument,
    ParticipantProfile,
    PopulationGroup,
    Sex,
    User,
)
from backend.programmes.models import (
    DonorViewer,
    Funder,
    Funding,
    Membership,
    Organisation,
    Programme,
    Role,
)

DEMO_PASSWORD = "impulsa-demo-2026"  # noqa: S105 - printed on purpose by `make run`

FUNDERS = [
    ("sida", "Sida (Swedish International Development Cooperation Agency)"),
    ("usaid", "USAID"),
    ("aecid", "AECID (Spanish Agency for International Development Cooperation)"),
    ("ircc", "IRCC (Immigration, Refugees and Citizenship Canada)"),
    ("eu", "European Union"),
]


@dataclass(frozen=True)
class ProgrammeSpec:
    code: str
    name: str
    organisation: str
    country: str
    regions: tuple[str, ...]
    currency: str
    time_zone: str
    funders: tuple[str, ...]
    phone_prefix: str


PROGRAMMES = [
    ProgrammeSpec(
        "co-bogota-cucuta",
        "Emprende sin fronteras: Bogotá y Cúcuta",
        "Fundación Puentes (sample)",
        "CO",
        ("CO-DC", "CO-NSA"),
        "COP",
        "America/Bogota",
        ("sida", "eu"),
        "+573005",
    ),
    ProgrammeSpec(
        "pe-lima",
        "Inclusión económica: Lima Metropolitana",
        "Asociación Horizonte (sample)",
        "PE",
        ("PE-LMA", "PE-CAL"),
        "PEN",
        "America/Lima",
        ("usaid", "aecid"),
        "+51987",
    ),
    ProgrammeSpec(
        "pe-piura-tacna",
        "Negocios que crecen: Piura y Tacna",
        "Asociación Horizonte (sample)",
        "PE",
        ("PE-PIU", "PE-TAC"),
        "PEN",
        "America/Lima",
        ("aecid", "ircc"),
        "+51986",
    ),
    ProgrammeSpec(
        "ec-quito",
        "Quito emprende",
        "Red Andina de Apoyo (sample)",
        "EC",
        ("EC-P",),
        "USD",
        "America/Guayaquil",
        ("eu", "ircc"),
        "+593991",
    ),
]

# (email, role description, TOTP secret or None). Secrets are fixed so the README can say how
# to add them to an authenticator app; they protect only fictional demo data.
STAFF = [
    ("admin@impulsa.demo", "admin", "JBSWY3DPEHPK3PXPIMPULSAADMINDEMO"),
    (
        "manager.colombia@impulsa.demo",
        "manager:co-bogota-cucuta",
        "JBSWY3DPEHPK3PXPIMPULSAMANAGERCO",
    ),
    (
        "manager.peru@impulsa.demo",
        "manager:pe-lima,pe-piura-tacna",
        "JBSWY3DPEHPK3PXPIMPULSAMANAGERPE",
    ),
    ("manager.ecuador@impulsa.demo", "manager:ec-quito", "JBSWY3DPEHPK3PXPIMPULSAMANAGEREC"),
    ("trainer.bogota@impulsa.demo", "trainer:co-bogota-cucuta", None),
    ("trainer.lima@impulsa.demo", "trainer:pe-lima", None),
    ("trainer.piura@impulsa.demo", "trainer:pe-piura-tacna", None),
    ("trainer.quito@impulsa.demo", "trainer:ec-quito", None),
    ("donor.sida@impulsa.demo", "donor:sida", "JBSWY3DPEHPK3PXPIMPULSADONORSIDA"),
    ("donor.usaid@impulsa.demo", "donor:usaid", "JBSWY3DPEHPK3PXPIMPULSADONORUSAI"),
]
# The names staff gave in their profile: printed on certificates and greeted by on the portal.
STAFF_NAMES = {
    "admin@impulsa.demo": "Ana Admin",
    "manager.colombia@impulsa.demo": "Camilo Restrepo",
    "manager.peru@impulsa.demo": "Rosa Quispe",
    "manager.ecuador@impulsa.demo": "Diego Andrade",
    "trainer.bogota@impulsa.demo": "Lucía Fernández",
    "trainer.lima@impulsa.demo": "Jorge Huamán",
    "trainer.piura@impulsa.demo": "Carmen Vílchez",
    "trainer.quito@impulsa.demo": "Pablo Cevallos",
    "donor.sida@impulsa.demo": "Ingrid Larsson",
    "donor.usaid@impulsa.demo": "Emily Carter",
}
DEMO_PARTICIPANT_EMAIL = "maria@impulsa.demo"
DEMO_PARTICIPANT_PHONE = "+573001112233"

NOTICE_VERSION = "2026-01"
NOTICE_PURPOSES = ["programme_delivery", "anonymous_statistics", "contact_by_sms"]
NOTICE = {
    "es": (
        "Impulsa guarda los datos que nos das para acompañar tu negocio y tu formación: tu "
        "número de teléfono, lo que registras de ventas y gastos, tu asistencia y tus "
        "certificados. Las preguntas sobre ti (sexo, edad, nacionalidad, situación "
        "migratoria, discapacidad, documento) son voluntarias y siempre puedes responder "
        "«prefiero no decir». Solo el equipo de tu programa ve tus datos personales; quienes "
        "financian el programa ven solo cifras agregadas, nunca tu nombre ni tu teléfono, y "
        "las cifras pequeñas se ocultan. No compartimos tus datos con autoridades migratorias. "
        "Puedes descargar todo lo que guardamos sobre ti y pedir que borremos tu identidad en "
        "cualquier momento desde la aplicación."
    ),
    "en": (
        "Impulsa keeps the data you give us to support your business and your training: your "
        "phone number, the sales and expenses you record, your attendance and your "
        "certificates. Questions about you (sex, age, nationality, migration status, "
        'disability, identity document) are voluntary, and you can always answer "prefer not '
        'to say". Only your programme team sees your personal data; funders see only '
        "aggregated figures, never your name or phone, and small numbers are hidden. We do not "
        "share your data with migration authorities. You can download everything we keep about "
        "you and ask us to erase your identity at any time from the app."
    ),
    "pt": (
        "O Impulsa guarda os dados que você nos dá para acompanhar o seu negócio e a sua "
        "formação: o seu número de telefone, as vendas e despesas que você registra, a sua "
        "presença e os seus certificados. As perguntas sobre você (sexo, idade, nacionalidade, "
        "situação migratória, deficiência, documento) são voluntárias, e você sempre pode "
        'responder "prefiro não dizer". Só a equipe do seu programa vê os seus dados '
        "pessoais; os financiadores veem apenas números agregados, nunca o seu nome ou "
        "telefone, e números pequenos são ocultados. Não compartilhamos os seus dados com "
        "autoridades migratórias. Você pode baixar tudo o que guardamos sobre você e pedir que "
        "apaguemos a sua identidade a qualquer momento pelo aplicativo."
    ),
}

FIRST_NAMES_F = [
    "María",
    "Yusmary",
    "Daniela",
    "Andreína",
    "Rosa",
    "Carmen",
    "Luisa",
    "Génesis",
    "Yolimar",
    "Ana",
]
FIRST_NAMES_M = [
    "José",
    "Luis",
    "Carlos",
    "Jesús",
    "Miguel",
    "Darwin",
    "Jhonny",
    "Pedro",
    "Ángel",
    "Wilmer",
]
LAST_NAMES = [
    "Pérez",
    "González",
    "Rodríguez",
    "Hernández",
    "Mendoza",
    "Rojas",
    "Castillo",
    "Silva",
    "Torres",
    "Díaz",
]


def washington_group(*, walking: str) -> dict[str, str]:
    """A demo person's six Washington Group answers: some difficulty walking, or none at all."""
    fields = ("seeing", "hearing", "cognition", "selfcare", "communication")
    return {"wg_walking": walking, **{f"wg_{name}": Difficulty.NONE for name in fields}}


def ensure_notice() -> ConsentNotice:
    notice, _ = ConsentNotice.objects.get_or_create(
        version=NOTICE_VERSION,
        defaults={
            "text_es": NOTICE["es"],
            "text_en": NOTICE["en"],
            "text_pt": NOTICE["pt"],
            "purposes": NOTICE_PURPOSES,
        },
    )
    return notice


def ensure_programmes() -> dict[str, Programme]:
    funders = {
        code: Funder.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in FUNDERS
    }
    out = {}
    for spec in PROGRAMMES:
        org, _ = Organisation.objects.get_or_create(
            name=spec.organisation, defaults={"country": spec.country}
        )
        if not org.iati_identifier:
            # A made-up identifier ("XX" is no registration agency), so the demo can export
            # IATI results; a real partner enters the one the IATI Registry gave it.
            org.iati_identifier = f"XX-IMPULSA-DEMO-{org.pk}"
            org.save(update_fields=["iati_identifier"])
        programme, _ = Programme.objects.get_or_create(
            code=spec.code,
            defaults={
                "organisation": org,
                "name": spec.name,
                "country": spec.country,
                "regions": list(spec.regions),
                "currency": spec.currency,
                "time_zone": spec.time_zone,
                "start_date": dt.date(2025, 1, 1),
                "end_date": dt.date(2027, 6, 30),
            },
        )
        for code in spec.funders:
            Funding.objects.get_or_create(
                funder=funders[code],
                programme=programme,
                defaults={
                    "amount": Decimal("250000.00"),
                    "currency": "USD",
                    "period_start": dt.date(2025, 1, 1),
                    "period_end": dt.date(2027, 6, 30),
                },
            )
        out[spec.code] = programme
    return out


def _email_user(email: str, **extra: object) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, **extra)
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def ensure_staff(programmes: dict[str, Programme]) -> list[tuple[str, str, str | None]]:
    printed = []
    for email, role, secret in STAFF:
        user = _email_user(email, is_staff=role == "admin", is_superuser=role == "admin")
        if email in STAFF_NAMES:
            ParticipantProfile.objects.get_or_create(
                user=user, defaults={"display_name": STAFF_NAMES[email]}
            )
        kind, _, targets = role.partition(":")
        for target in filter(None, targets.split(",")):
            if kind in {"manager", "trainer"}:
                Membership.objects.get_or_create(user=user, programme=programmes[target], role=kind)
            elif kind == "donor":
                DonorViewer.objects.get_or_create(user=user, funder=Funder.objects.get(code=target))
        if (
            secret
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, secret)
        printed.append((email, role, secret))
    return printed


def ensure_participants(programmes: dict[str, Programme], per_programme: int, seed: int = 7) -> int:
    """Participants with consent and varied (sometimes withheld) profile answers."""
    notice = ensure_notice()
    rng = random.Random(seed)
    created = 0
    maria = _email_user(DEMO_PARTICIPANT_EMAIL)
    if maria.phone is None:
        User.objects.filter(pk=maria.pk).update(phone=DEMO_PARTICIPANT_PHONE, phone_verified=True)
    for index, spec in enumerate(PROGRAMMES):
        programme = programmes[spec.code]
        if index == 0:
            _participant(maria, programme, notice, rng, name="María Fernanda Pérez", sex=Sex.FEMALE)
        for n in range(per_programme):
            phone = f"{spec.phone_prefix}{n:06d}"
            with transaction.atomic():
                user = User.objects.filter(phone=phone).first()
                if user is None:
                    user = User.objects.create_user(phone=phone, phone_verified=True)
                    created += 1
                _participant(user, programme, notice, rng)
    return created


def _participant(
    user: User,
    programme: Programme,
    notice: ConsentNotice,
    rng: random.Random,
    name: str | None = None,
    sex: str | None = None,
) -> None:
    Membership.objects.get_or_create(user=user, programme=programme, role=Role.PARTICIPANT)
    if not Consent.objects.filter(user=user).exists():
        Consent.objects.create(
            user=user, notice=notice, channel=ConsentChannel.APP, purposes=list(NOTICE_PURPOSES)
        )
    if ParticipantProfile.objects.filter(user=user).exists():
        return
    # Women are the majority of participants, as in most such programmes.
    sex = sex or rng.choices([Sex.FEMALE, Sex.MALE, Sex.OTHER, Sex.PREFER_NOT], [62, 33, 1, 4])[0]
    first = rng.choice(FIRST_NAMES_F if sex == Sex.FEMALE else FIRST_NAMES_M)
    group = rng.choices(
        [
            PopulationGroup.REFUGEE_MIGRANT,
            PopulationGroup.HOST,
            PopulationGroup.RETURNEE,
            PopulationGroup.PREFER_NOT,
        ],
        [70, 22, 5, 3],
    )[0]
    difficulty = rng.choices([Difficulty.NONE, Difficulty.SOME, Difficulty.A_LOT], [88, 8, 4])[0]
    ParticipantProfile.objects.create(
        user=user,
        display_name=name or f"{first} {rng.choice(LAST_NAMES)}",
        sex=sex,
        birth_year=rng.choice([None, *range(1960, 2007)]) if rng.random() < 0.97 else None,
        nationality="VE" if group == PopulationGroup.REFUGEE_MIGRANT else programme.country,
        population_group=group,
        country=programme.country,
        region=rng.choice(programme.regions),
        **washington_group(walking=difficulty),
        education_level=rng.choice(list(Education)),
        id_document_type=rng.choice(
            [
                IdDocument.PPT,
                IdDocument.PASSPORT,
                IdDocument.CPP,
                IdDocument.NATIONAL_ID,
                IdDocument.NONE,
            ]
        ),
    )
