import django_filters

from core.filters import FilterSet, IdFilter

from .models import VoteRound


class VoteRoundFilter(FilterSet):
    cycle = IdFilter(field_name="cycle__number", label="Cycle")
    status = django_filters.ChoiceFilter(choices=VoteRound.Status.choices)
    decision = django_filters.ChoiceFilter(choices=VoteRound.Decision.choices[1:])

    class Meta:
        model = VoteRound
        fields = ["cycle", "status", "decision"]
