from django.db.models import Count

from c2f.dashboard.charts import bar_chart
from c2f.dashboard.generic import MerchandiserDetailView, MerchandiserListView
from c2f.dashboard.selectors import correlated_count

from .filters import VoteRoundFilter
from .models import Invitation, Sample, Vote, VoteRound
from .selectors import round_results


class VoteRoundListView(MerchandiserListView):
    model = VoteRound
    filterset_class = VoteRoundFilter
    template_name = "samples/round_list.html"
    title = "Vote rounds"
    sort_fields = {
        "opens": ("opens_at",),
        "closes": ("closes_at",),
        "status": ("status",),
        "decision": ("decision",),
        "invited": ("n_invited",),
        "voted": ("n_voted",),
    }
    default_sort = "-opens"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("cycle", "sample__concept")
            .annotate(n_invited=correlated_count(Invitation, link="round"), n_voted=correlated_count(Vote, link="round"))
        )


class SampleDetailView(MerchandiserDetailView):
    model = Sample
    template_name = "samples/sample_detail.html"
    context_object_name = "sample"

    def get_queryset(self):
        return Sample.objects.select_related("concept__cycle")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sample = self.object
        context["rounds"] = (
            sample.rounds.select_related("cycle")
            .annotate(n_invited=correlated_count(Invitation, link="round"), n_voted=correlated_count(Vote, link="round"))
            .order_by("-opens_at")
        )
        context["other_versions"] = Sample.objects.filter(concept=sample.concept).exclude(pk=sample.pk).order_by("version")
        context["production_orders"] = sample.production_orders.select_related("factory").order_by("-created_at")
        return context


class VoteRoundDetailView(MerchandiserDetailView):
    model = VoteRound
    template_name = "samples/round_detail.html"
    context_object_name = "round"

    def get_queryset(self):
        return VoteRound.objects.select_related("cycle", "sample__concept")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        vote_round = self.object
        votes = list(vote_round.votes.select_related("buyer", "preferred_variant").order_by("-score", "buyer__name"))
        context["votes"] = votes
        context["invitations"] = vote_round.invitations.select_related("buyer").order_by("buyer__name")
        results = round_results(round=vote_round)
        context["results"] = results
        distribution = results["score_distribution"]
        context["score_chart"] = bar_chart(
            x=[str(s) for s in distribution], y=list(distribution.values()),
            title="Score distribution", x_title="score (1–5)", y_title="votes",
        )
        context["production_orders"] = vote_round.production_orders.select_related("factory").annotate(
            n_lines=Count("lines")
        )
        return context
