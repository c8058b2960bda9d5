from django import forms

from core.dashboard.forms import MultipleFileField
from core.files import MaxUploadSize
from core.models import Cycle

from .importers.common import MAX_BYTES
from .models import KeywordColumnMapping, LiveSource


class TrendUploadForm(forms.Form):
    files = MultipleFileField(
        accept=".csv,.tsv,.txt,text/csv",
        validators=[MaxUploadSize(MAX_BYTES)],
        help_text="Google Trends exports (multiTimeline, geoMap, relatedQueries), Amazon keyword-tool exports "
                  "(Helium 10 Cerebro, Magnet, Jungle Scout) and product-listing exports (Helium 10 Xray, "
                  "Jungle Scout products); several at once."
    )
    mapping = forms.ModelChoiceField(
        queryset=KeywordColumnMapping.objects.order_by("name"), required=False, empty_label="— detect the kind —",
        help_text="Read the files as keyword CSVs with a saved column mapping.",
    )
    market = forms.CharField(
        max_length=12, required=False,
        help_text="Market of files that do not say it: Amazon exports whose file name does not, Google Trends maps "
                  "of one country's regions, related lists without a title line (US, DE..., WORLD for worldwide).",
    )
    keyword = forms.CharField(
        max_length=200, required=False,
        help_text="Keyword of Google Trends related queries or topics exported without a title line.",
    )
    snapshot = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Date of Amazon exports whose file name does not say; default today.",
    )


def parse_keyword_lines(text: str) -> list[tuple[str, str]]:
    """One keyword a line, optionally ``keyword, category``."""
    pairs = []
    for line in text.splitlines():
        if not line.strip():
            continue
        keyword, _, category = line.partition(",")
        pairs.append((keyword.strip(), category.strip()))
    return pairs


def parse_markets(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


class WatchlistForm(forms.Form):
    cycle = forms.ModelChoiceField(queryset=Cycle.objects.order_by("-number"), required=True)
    name = forms.CharField(max_length=120)
    markets = forms.CharField(max_length=300, help_text="Geo codes, comma-separated: US, GB, DE.")
    timeframe = forms.CharField(max_length=40, initial="today 5-y")
    live_source = forms.ChoiceField(
        choices=LiveSource.choices, initial=LiveSource.PYTRENDS, required=False,
        help_text="SerpApi needs SERPAPI_API_KEY; a pytrends watchlist is asked of SerpApi when Google refuses it.",
    )
    keywords = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), required=False,
        help_text="One keyword a line, optionally followed by a comma and its category: mermaid blanket, blanket",
    )

    def clean_markets(self):
        return parse_markets(self.cleaned_data["markets"])

    def clean_keywords(self):
        return parse_keyword_lines(self.cleaned_data["keywords"])


class WatchlistEditForm(WatchlistForm):
    remove = forms.TypedMultipleChoiceField(coerce=int, required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, watchlist, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["cycle"]
        self.fields["keywords"].label = "Add keywords"
        self.fields["remove"].choices = [(k.pk, k.keyword) for k in watchlist.keywords.order_by("keyword")]
