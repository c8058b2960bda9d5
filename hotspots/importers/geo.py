"""Country names as Google Trends writes them in several UI languages -> geo codes."""

import unicodedata

WORLDWIDE = {
    "worldwide", "todo o mundo", "todo el mundo", "weltweit", "monde entier", "dans le monde entier",
    "in tutto il mondo", "seluruh dunia", "wereldwijd", "world", "global",
}

COUNTRIES = {
    "US": ["United States", "Estados Unidos", "Vereinigte Staaten", "États-Unis", "Stati Uniti", "Amerika Serikat", "Verenigde Staten"],
    "GB": ["United Kingdom", "Reino Unido", "Vereinigtes Königreich", "Royaume-Uni", "Regno Unito", "Inggris Raya", "Britania Raya", "Verenigd Koninkrijk"],
    "DE": ["Germany", "Alemanha", "Alemania", "Deutschland", "Allemagne", "Germania", "Jerman", "Duitsland"],
    "FR": ["France", "França", "Francia", "Frankreich", "Prancis", "Frankrijk"],
    "ES": ["Spain", "Espanha", "España", "Spanien", "Espagne", "Spagna", "Spanyol", "Spanje"],
    "IT": ["Italy", "Itália", "Italia", "Italien", "Italie", "Italia", "Italië"],
    "NL": ["Netherlands", "Países Baixos", "Países Bajos", "Niederlande", "Pays-Bas", "Paesi Bassi", "Belanda", "Nederland"],
    "CA": ["Canada", "Canadá", "Kanada"],
    "AU": ["Australia", "Austrália", "Australien", "Australie"],
    "BR": ["Brazil", "Brasil", "Brasilien", "Brésil", "Brasile", "Brazilië"],
    "PT": ["Portugal", "Portogallo"],
    "MX": ["Mexico", "México", "Mexiko", "Mexique", "Messico", "Meksiko"],
    "ID": ["Indonesia", "Indonésia", "Indonesien", "Indonésie", "Indonesië"],
    "IN": ["India", "Índia", "Indien", "Inde", "Indië"],
    "JP": ["Japan", "Japão", "Japón", "Japon", "Giappone", "Jepang"],
    "PL": ["Poland", "Polónia", "Polônia", "Polonia", "Polen", "Pologne"],
    "SE": ["Sweden", "Suécia", "Suecia", "Schweden", "Suède", "Svezia", "Swedia", "Zweden"],
    "IE": ["Ireland", "Irlanda", "Irland", "Irlande", "Irlandia", "Ierland"],
    "AT": ["Austria", "Áustria", "Österreich", "Autriche", "Oostenrijk"],
    "CH": ["Switzerland", "Suíça", "Suiza", "Schweiz", "Suisse", "Svizzera", "Swiss", "Zwitserland"],
    "BE": ["Belgium", "Bélgica", "Belgien", "Belgique", "Belgio", "Belgia", "België"],
    "NZ": ["New Zealand", "Nova Zelândia", "Nueva Zelanda", "Neuseeland", "Nouvelle-Zélande", "Selandia Baru"],
    "SG": ["Singapore", "Singapura", "Singapur", "Singapour"],
    "MY": ["Malaysia", "Malásia", "Malasia", "Malaisie"],
    "AE": ["United Arab Emirates", "Emirados Árabes Unidos", "Emiratos Árabes Unidos", "Vereinigte Arabische Emirate", "Émirats arabes unis", "Uni Emirat Arab"],
    "SA": ["Saudi Arabia", "Arábia Saudita", "Arabia Saudita", "Saudi-Arabien", "Arabie saoudite", "Arab Saudi"],
    "CN": ["China", "Chine", "Cina", "Tiongkok"],
    "KR": ["South Korea", "Coreia do Sul", "Corea del Sur", "Südkorea", "Corée du Sud", "Corea del Sud", "Korea Selatan"],
}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_BY_NAME = {_fold(name): code for code, names in COUNTRIES.items() for name in names}
_WORLDWIDE = {_fold(name) for name in WORLDWIDE}


def market_for_label(label: str) -> str:
    """Geo code for a label such as ``United States``; blank for worldwide; the label itself if unknown."""
    folded = _fold(label)
    if not folded or folded in _WORLDWIDE:
        return ""
    if folded in _BY_NAME:
        return _BY_NAME[folded]
    if len(label.strip()) == 2 and label.strip().isalpha():
        return label.strip().upper()
    return label.strip()
