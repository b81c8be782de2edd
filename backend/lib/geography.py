"""Countries the programmes work in, their currencies, time zones and first-level regions.

Region codes are the ISO 3166-2 subdivision codes. Currencies are ISO 4217 with their minor
units (Colombia's peso is officially divisible by 100, but cents are not used in practice, so
amounts are kept to whole pesos).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    currency: str
    time_zone: str


@dataclass(frozen=True)
class Currency:
    code: str
    minor_units: int


CURRENCIES: dict[str, Currency] = {
    c.code: c
    for c in (
        Currency("COP", 0),
        Currency("PEN", 2),
        Currency("USD", 2),
        Currency("VES", 2),
        Currency("BRL", 2),
        Currency("CLP", 0),
        Currency("EUR", 2),
        Currency("SEK", 2),
        Currency("CAD", 2),
    )
}

COUNTRIES: dict[str, Country] = {
    c.code: c
    for c in (
        Country("CO", "Colombia", "COP", "America/Bogota"),
        Country("PE", "Peru", "PEN", "America/Lima"),
        Country("EC", "Ecuador", "USD", "America/Guayaquil"),
        Country("VE", "Venezuela", "VES", "America/Caracas"),
        Country("BR", "Brazil", "BRL", "America/Sao_Paulo"),
        Country("CL", "Chile", "CLP", "America/Santiago"),
    )
}

_REGIONS_TEXT = {
    "CO": """DC Bogotá D.C.|AMA Amazonas|ANT Antioquia|ARA Arauca|ATL Atlántico|BOL Bolívar|
        BOY Boyacá|CAL Caldas|CAQ Caquetá|CAS Casanare|CAU Cauca|CES Cesar|CHO Chocó|
        COR Córdoba|CUN Cundinamarca|GUA Guainía|GUV Guaviare|HUI Huila|LAG La Guajira|
        MAG Magdalena|MET Meta|NAR Nariño|NSA Norte de Santander|PUT Putumayo|QUI Quindío|
        RIS Risaralda|SAP San Andrés, Providencia y Santa Catalina|SAN Santander|SUC Sucre|
        TOL Tolima|VAC Valle del Cauca|VAU Vaupés|VID Vichada""",
    "PE": """AMA Amazonas|ANC Áncash|APU Apurímac|ARE Arequipa|AYA Ayacucho|CAJ Cajamarca|
        CAL Callao|CUS Cusco|HUV Huancavelica|HUC Huánuco|ICA Ica|JUN Junín|LAL La Libertad|
        LAM Lambayeque|LIM Lima Provincias|LMA Lima Metropolitana|LOR Loreto|MDD Madre de Dios|
        MOQ Moquegua|PAS Pasco|PIU Piura|PUN Puno|SAM San Martín|TAC Tacna|TUM Tumbes|
        UCA Ucayali""",
    "EC": """A Azuay|B Bolívar|C Carchi|D Orellana|E Esmeraldas|F Cañar|G Guayas|H Chimborazo|
        I Imbabura|L Loja|M Manabí|N Napo|O El Oro|P Pichincha|R Los Ríos|S Morona Santiago|
        SD Santo Domingo de los Tsáchilas|SE Santa Elena|T Tungurahua|U Sucumbíos|W Galápagos|
        X Cotopaxi|Y Pastaza|Z Zamora Chinchipe""",
}


def _parse(country: str, text: str) -> dict[str, str]:
    out = {}
    for item in text.split("|"):
        code, name = item.strip().split(" ", 1)
        out[f"{country}-{code}"] = name
    return out


REGIONS: dict[str, dict[str, str]] = {c: _parse(c, t) for c, t in _REGIONS_TEXT.items()}


def region_name(code: str) -> str:
    return REGIONS.get(code.split("-", 1)[0], {}).get(code, code)


def is_region_of(region: str, country: str) -> bool:
    return region in REGIONS.get(country, {})


COUNTRY_CHOICES = [(c.code, c.name) for c in COUNTRIES.values()]
CURRENCY_CHOICES = [(c, c) for c in CURRENCIES]
