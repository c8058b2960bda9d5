"""The words Google Trends writes in its CSV exports, per UI language it offers.

The importer reads exports by their structure (a one-cell category line, a header
row, dates in the first column, TOP before RISING), so it needs only a few of
these words: the localized *Worldwide* of a column label, and the date-column
word when a file has one row only. The rest documents what each UI writes and
drives the property tests that write exports the way each UI does.

Country names are not here: they come from CLDR through Babel (``geo.py``).
``babel`` is the CLDR locale the UI language corresponds to; ``colon`` is how
the category line separates label and value (full width in Chinese, a space
before it in French); ``growth`` is how a rising value is written, ``{n}`` being
the number with the locale's grouping.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class TrendsLocale:
    hl: str
    babel: str
    category: str
    all_categories: str
    week: str
    month: str
    day: str
    time: str
    region: str
    country: str
    city: str
    worldwide: str
    breakout: str
    colon: str = ": "
    growth: str = "+{n}%"


LOCALES: tuple[TrendsLocale, ...] = (
    TrendsLocale("en-US", "en", "Category", "All categories", "Week", "Month", "Day", "Time", "Region", "Country", "City", "Worldwide", "Breakout"),
    TrendsLocale("en-GB", "en_GB", "Category", "All categories", "Week", "Month", "Day", "Time", "Region", "Country", "City", "Worldwide", "Breakout"),
    TrendsLocale("de", "de", "Kategorie", "Alle Kategorien", "Woche", "Monat", "Tag", "Zeit", "Region", "Land", "Stadt", "Weltweit", "Sprunghafter Anstieg", growth="+{n} %"),
    TrendsLocale("fr", "fr", "Catégorie", "Toutes catégories", "Semaine", "Mois", "Jour", "Heure", "Région", "Pays", "Ville", "Dans le monde entier", "Record", colon=" : ", growth="+{n}\u202f%"),
    TrendsLocale("es", "es", "Categoría", "Todas las categorías", "Semana", "Mes", "Día", "Hora", "Región", "País", "Ciudad", "Todo el mundo", "Aumento puntual", growth="+{n} %"),
    TrendsLocale("es-419", "es_419", "Categoría", "Todas las categorías", "Semana", "Mes", "Día", "Hora", "Región", "País", "Ciudad", "Todo el mundo", "Aumento puntual"),
    TrendsLocale("pt-BR", "pt", "Categoria", "Todas as categorias", "Semana", "Mês", "Dia", "Hora", "Região", "País", "Cidade", "Todo o mundo", "Aumento repentino", growth="Mais {n}%"),
    TrendsLocale("pt-PT", "pt_PT", "Categoria", "Todas as categorias", "Semana", "Mês", "Dia", "Hora", "Região", "País", "Cidade", "Todo o mundo", "Aumento repentino", growth="+{n}%"),
    TrendsLocale("it", "it", "Categoria", "Tutte le categorie", "Settimana", "Mese", "Giorno", "Ora", "Regione", "Paese", "Città", "Tutto il mondo", "Impennata"),
    TrendsLocale("nl", "nl", "Categorie", "Alle categorieën", "Week", "Maand", "Dag", "Tijd", "Regio", "Land", "Stad", "Wereldwijd", "Enorme stijging"),
    TrendsLocale("da", "da", "Kategori", "Alle kategorier", "Uge", "Måned", "Dag", "Tid", "Område", "Land", "By", "Hele verden", "Kraftig stigning", growth="+{n} %"),
    TrendsLocale("sv", "sv", "Kategori", "Alla kategorier", "Vecka", "Månad", "Dag", "Tid", "Region", "Land", "Stad", "Hela världen", "Utbrott", growth="+{n} %"),
    TrendsLocale("no", "nb", "Kategori", "Alle kategorier", "Uke", "Måned", "Dag", "Tid", "Område", "Land", "By", "Hele verden", "Kraftig økning", growth="+{n} %"),
    TrendsLocale("fi", "fi", "Luokka", "Kaikki luokat", "Viikko", "Kuukausi", "Päivä", "Aika", "Alue", "Maa", "Kaupunki", "Maailmanlaajuinen", "Räjähdysmäinen kasvu", growth="+{n} %"),
    TrendsLocale("pl", "pl", "Kategoria", "Wszystkie kategorie", "Tydzień", "Miesiąc", "Dzień", "Czas", "Region", "Kraj", "Miasto", "Cały świat", "Wybicie", growth="+{n}%"),
    TrendsLocale("cs", "cs", "Kategorie", "Všechny kategorie", "Týden", "Měsíc", "Den", "Čas", "Oblast", "Země", "Město", "Celosvětově", "Prudký nárůst", growth="+{n} %"),
    TrendsLocale("sk", "sk", "Kategória", "Všetky kategórie", "Týždeň", "Mesiac", "Deň", "Čas", "Oblasť", "Krajina", "Mesto", "Celý svet", "Prudký nárast", growth="+{n} %"),
    TrendsLocale("hu", "hu", "Kategória", "Minden kategória", "Hét", "Hónap", "Nap", "Idő", "Régió", "Ország", "Város", "Világszerte", "Kiugrás"),
    TrendsLocale("ro", "ro", "Categorie", "Toate categoriile", "Săptămână", "Lună", "Zi", "Oră", "Regiune", "Țară", "Oraș", "Toată lumea", "Explozie", growth="+{n} %"),
    TrendsLocale("hr", "hr", "Kategorija", "Sve kategorije", "Tjedan", "Mjesec", "Dan", "Vrijeme", "Regija", "Zemlja", "Grad", "Cijeli svijet", "Nagli porast", growth="+{n} %"),
    TrendsLocale("sl", "sl", "Kategorija", "Vse kategorije", "Teden", "Mesec", "Dan", "Čas", "Regija", "Država", "Mesto", "Po vsem svetu", "Izbruh", growth="+{n} %"),
    TrendsLocale("sr", "sr", "Категорија", "Све категорије", "Недеља", "Месец", "Дан", "Време", "Регион", "Земља", "Град", "Цео свет", "Нагли скок"),
    TrendsLocale("bg", "bg", "Категория", "Всички категории", "Седмица", "Месец", "Ден", "Време", "Регион", "Държава", "Град", "Цял свят", "Рязко покачване", growth="+{n}%"),
    TrendsLocale("el", "el", "Κατηγορία", "Όλες οι κατηγορίες", "Εβδομάδα", "Μήνας", "Ημέρα", "Ώρα", "Περιοχή", "Χώρα", "Πόλη", "Παγκοσμίως", "Εκτίναξη"),
    TrendsLocale("ru", "ru", "Категория", "Все категории", "Неделя", "Месяц", "День", "Время", "Регион", "Страна", "Город", "Весь мир", "Сверхпопулярность", growth="+{n} %"),
    TrendsLocale("uk", "uk", "Категорія", "Усі категорії", "Тиждень", "Місяць", "День", "Час", "Регіон", "Країна", "Місто", "Увесь світ", "Стрімке зростання", growth="+{n}%"),
    TrendsLocale("tr", "tr", "Kategori", "Tüm kategoriler", "Hafta", "Ay", "Gün", "Saat", "Bölge", "Ülke", "Şehir", "Dünya genelinde", "Ani artış", growth="+%{n}"),
    TrendsLocale("lt", "lt", "Kategorija", "Visos kategorijos", "Savaitė", "Mėnuo", "Diena", "Laikas", "Regionas", "Šalis", "Miestas", "Visame pasaulyje", "Staigus šuolis", growth="+{n} %"),
    TrendsLocale("lv", "lv", "Kategorija", "Visas kategorijas", "Nedēļa", "Mēnesis", "Diena", "Laiks", "Reģions", "Valsts", "Pilsēta", "Visā pasaulē", "Straujš kāpums", growth="+{n}%"),
    TrendsLocale("et", "et", "Kategooria", "Kõik kategooriad", "Nädal", "Kuu", "Päev", "Aeg", "Piirkond", "Riik", "Linn", "Kogu maailm", "Järsk tõus", growth="+{n}%"),
    TrendsLocale("ca", "ca", "Categoria", "Totes les categories", "Setmana", "Mes", "Dia", "Hora", "Regió", "País", "Ciutat", "Tot el món", "Augment sobtat", growth="+{n}%"),
    TrendsLocale("id", "id", "Kategori", "Semua kategori", "Minggu", "Bulan", "Hari", "Waktu", "Wilayah", "Negara", "Kota", "Seluruh dunia", "Melonjak"),
    TrendsLocale("ms", "ms", "Kategori", "Semua kategori", "Minggu", "Bulan", "Hari", "Masa", "Wilayah", "Negara", "Bandar", "Seluruh dunia", "Lonjakan"),
    TrendsLocale("fil", "fil", "Kategorya", "Lahat ng kategorya", "Linggo", "Buwan", "Araw", "Oras", "Rehiyon", "Bansa", "Lungsod", "Buong mundo", "Breakout"),
    TrendsLocale("vi", "vi", "Danh mục", "Tất cả danh mục", "Tuần", "Tháng", "Ngày", "Thời gian", "Khu vực", "Quốc gia", "Thành phố", "Trên toàn thế giới", "Đột phá"),
    TrendsLocale("th", "th", "หมวดหมู่", "ทุกหมวดหมู่", "สัปดาห์", "เดือน", "วัน", "เวลา", "ภูมิภาค", "ประเทศ", "เมือง", "ทั่วโลก", "พุ่งสูง"),
    TrendsLocale("ja", "ja", "カテゴリ", "すべてのカテゴリ", "週", "月", "日", "時間", "都道府県", "国/地域", "市", "すべての国", "急増"),
    TrendsLocale("ko", "ko", "카테고리", "모든 카테고리", "주", "월", "일", "시간", "지역", "국가", "도시", "전 세계", "급등"),
    TrendsLocale("zh-CN", "zh_Hans", "类别", "所有类别", "周", "月份", "日", "时间", "区域", "国家/地区", "城市", "全球", "飙升", colon="："),
    TrendsLocale("zh-TW", "zh_Hant", "類別", "所有類別", "週", "月", "日", "時間", "區域", "國家/地區", "城市", "全球", "暴增", colon="："),
    TrendsLocale("hi", "hi", "श्रेणी", "सभी श्रेणियां", "सप्ताह", "माह", "दिन", "समय", "क्षेत्र", "देश", "शहर", "दुनिया भर में", "ब्रेकआउट"),
    TrendsLocale("bn", "bn", "বিভাগ", "সকল বিভাগ", "সপ্তাহ", "মাস", "দিন", "সময়", "অঞ্চল", "দেশ", "শহর", "বিশ্বব্যাপী", "ব্রেকআউট"),
    TrendsLocale("ta", "ta", "வகை", "எல்லா வகைகளும்", "வாரம்", "மாதம்", "நாள்", "நேரம்", "மண்டலம்", "நாடு", "நகரம்", "உலகளவில்", "திடீர் எழுச்சி"),
    TrendsLocale("te", "te", "వర్గం", "అన్ని వర్గాలు", "వారం", "నెల", "రోజు", "సమయం", "ప్రాంతం", "దేశం", "నగరం", "ప్రపంచవ్యాప్తంగా", "బ్రేక్అవుట్"),
    TrendsLocale("mr", "mr", "वर्ग", "सर्व वर्ग", "आठवडा", "महिना", "दिवस", "वेळ", "प्रदेश", "देश", "शहर", "जगभरात", "ब्रेकआउट"),
    TrendsLocale("ar", "ar", "الفئة", "كل الفئات", "الأسبوع", "الشهر", "اليوم", "الوقت", "المنطقة", "البلد", "المدينة", "جميع أنحاء العالم", "زيادة كبيرة"),
    TrendsLocale("he", "he", "קטגוריה", "כל הקטגוריות", "שבוע", "חודש", "יום", "זמן", "אזור", "מדינה", "עיר", "כל העולם", "זינוק"),
    TrendsLocale("fa", "fa", "دسته", "همه دسته‌ها", "هفته", "ماه", "روز", "زمان", "منطقه", "کشور", "شهر", "سراسر جهان", "جهش"),
)

BY_HL = {locale.hl: locale for locale in LOCALES}

# What Google writes for "the whole world", in every UI language above, plus older wordings seen in real files.
WORLDWIDE_WORDS = {locale.worldwide for locale in LOCALES} | {
    "Monde entier", "Seluruh dunia", "Di seluruh dunia", "Todo o mundo", "World", "Global", "すべての国",
}

DATE_COLUMN_WORDS = {
    "week": {locale.week for locale in LOCALES},
    "month": {locale.month for locale in LOCALES} | {"Mês", "月"},
    "day": {locale.day for locale in LOCALES} | {"Date", "Data", "天"},
    "hour": {locale.time for locale in LOCALES},
}


def ui_locales(category_line: str) -> tuple[str, ...]:
    """CLDR locales whose UI writes this category line ("Kategorie: Alle Kategorien" -> de), most likely first."""
    from .geo import fold

    label, _sep, value = category_line.replace("：", ":").partition(":")
    key = (fold(label), fold(value))
    return tuple(dict.fromkeys(
        locale.babel for locale in LOCALES if (fold(locale.category), fold(locale.all_categories)) == key
    ))
