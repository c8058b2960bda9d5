import django_filters

from .models import VoteRound


class VoteRoundFilter(django_filters.FilterSet):
    cycle = django_filters.NumberFilter(field_name="cycle__number", label="Cycle")
    status = django_filters.ChoiceFilter(choices=VoteRound.Status.choices)
    decision = django_filters.ChoiceFilter(choices=VoteRound.Decision.choices[1:])

    class Meta:
        model = VoteRound
        fields = ["cycle", "status", "decision"]
