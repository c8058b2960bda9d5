from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from core.dashboard.access import MerchandiserRequiredMixin
from core.dashboard.charts import bar_chart
from core.dashboard.forms import form_add_service_errors
from core.dashboard.generic import MerchandiserDetailView, MerchandiserFormView, MerchandiserListView
from core.dashboard.queries import correlated_count
from design.models import Concept

from .charts import price_acceptance_chart, variant_preference_chart, versions_chart
from .filters import VoteRoundFilter
from .forms import DecisionForm, PanelImportForm, RoundOpenForm, SamplePhotoForm, SampleVersionForm
from .models import BuyerPanel, Invitation, Sample, SamplePhoto, Vote, VoteRound
from .selectors import (
    concept_planned_wholesale,
    concept_versions_compared,
    round_results,
    round_unsent_invitations,
    round_variant_preference,
)
from .services import (
    invitation_retry,
    panel_import_csv,
    round_close,
    round_decide,
    round_open,
    round_suggest_decision,
    round_terms_set,
    sample_create,
    sample_photo_add,
    sample_revise,
)


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
        context["photos"] = sample.photos.order_by("id")
        context["photo_form"] = SamplePhotoForm()
        context["events"] = sample.events.all()
        versions = concept_versions_compared(concept_id=sample.concept_id)
        context["versions"] = versions
        if sum(1 for v in versions if v["results"]) >= 2:
            context["versions_chart"] = versions_chart(rows=versions)
        return context


class SampleCreateView(MerchandiserFormView):
    """v1 of a concept, or the next version starting from the latest one's spec."""

    form_class = SampleVersionForm
    template_name = "samples/sample_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.concept = get_object_or_404(Concept, pk=kwargs["concept_pk"])
        self.previous = Sample.objects.filter(concept=self.concept).order_by("-version").first()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "previous": self.previous}

    def get_initial(self):
        return {"spec": self.previous.spec} if self.previous else {}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "concept": self.concept, "previous": self.previous}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            # A bad photo undoes the new version too: nothing half-written.
            with transaction.atomic():
                actor = self.request.user.get_username()
                if self.previous is None:
                    sample = sample_create(concept=self.concept, spec=data["spec"], is_demo=self.concept.is_demo, actor=actor)
                else:
                    sample = sample_revise(
                        previous=self.previous, change_notes=data["change_notes"], spec=data["spec"], actor=actor
                    )
                if data.get("photo"):
                    sample_photo_add(sample=sample, upload=data["photo"], caption=data.get("caption", ""))
        except ValidationError as error:
            form_add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Sample v{sample.version} created.")
        return redirect(sample.get_absolute_url())


class SamplePhotoAddView(MerchandiserFormView):
    form_class = SamplePhotoForm
    template_name = "samples/photo_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.sample = get_object_or_404(Sample.objects.select_related("concept"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sample": self.sample}

    def form_valid(self, form):
        try:
            sample_photo_add(sample=self.sample, upload=form.cleaned_data["photo"], caption=form.cleaned_data["caption"])
        except ValidationError as error:
            form_add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Photo added.")
        return redirect(self.sample.get_absolute_url())


def photo_response(photo: SamplePhoto, *, thumbnail: bool) -> FileResponse:
    field = photo.thumbnail if thumbnail else photo.image
    if not field:
        raise Http404("No such picture.")
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404("The picture file is missing.")
    response = FileResponse(handle, content_type="image/jpeg" if thumbnail else None)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


class SamplePhotoView(MerchandiserRequiredMixin, View):
    thumbnail = False

    def get(self, request, pk):
        return photo_response(get_object_or_404(SamplePhoto, pk=pk), thumbnail=self.thumbnail)


class PanelListView(MerchandiserFormView):
    """The buyer panels, and a CSV import that creates or fills one."""

    form_class = PanelImportForm
    template_name = "samples/panel_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["panels"] = BuyerPanel.objects.annotate(n_buyers=Count("buyers")).order_by("name")
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            report = panel_import_csv(panel_name=form.cleaned_data["name"], content=upload.read(), filename=upload.name)
        except ValidationError as error:
            form_add_service_errors(form, error)
            return self.form_invalid(form)
        status = 200 if report["ok"] else 400
        return render(self.request, "samples/panel_import_report.html", {"report": report, "form": form}, status=status)


class PanelDetailView(MerchandiserDetailView):
    model = BuyerPanel
    template_name = "samples/panel_detail.html"
    context_object_name = "panel"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["buyers"] = self.object.buyers.order_by("name")
        return context


class RoundOpenView(MerchandiserFormView):
    form_class = RoundOpenForm
    template_name = "samples/round_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.sample = get_object_or_404(Sample.objects.select_related("concept__cycle"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        now = timezone.localtime().replace(second=0, microsecond=0)
        return {"opens_at": now, "closes_at": now + timezone.timedelta(days=10)}

    def get_form_kwargs(self):
        concept = self.sample.concept
        planned = concept_planned_wholesale(concept=concept)
        return {**super().get_form_kwargs(), "concept": concept, "planned_wholesale": planned}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sample": self.sample}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            # One transaction: the invitations go out on commit, with the terms already set.
            with transaction.atomic():
                vote_round = round_open(
                    cycle=self.sample.concept.cycle,
                    sample=self.sample,
                    panel=data["panel"],
                    opens_at=data["opens_at"],
                    closes_at=data["closes_at"],
                    questions=data["questions"],
                    reminder_hours=data["reminder_hours"],
                    is_demo=self.sample.is_demo,
                    actor=self.request.user.get_username(),
                )
                round_terms_set(
                    round=vote_round,
                    wholesale_price=data["wholesale_price"],
                    min_order_qty=data["min_order_qty"],
                    lead_time_days=data["lead_time_days"],
                )
        except ValidationError as error:
            form_add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Round {vote_round.pk} opened; {vote_round.invitations.count()} invitations queued.")
        return redirect(vote_round.get_absolute_url())


class VoteRoundDetailView(MerchandiserDetailView):
    model = VoteRound
    template_name = "samples/round_detail.html"
    context_object_name = "round"

    def get_queryset(self):
        return VoteRound.objects.select_related("cycle", "sample__concept", "panel")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        vote_round = self.object
        votes = list(vote_round.votes.select_related("buyer", "preferred_variant").order_by("-score", "buyer__name"))
        context["votes"] = votes
        context["invitations"] = vote_round.invitations.select_related("buyer").order_by("buyer__name")
        # Failed, or overdue by the rule that queues lost sends again: both get a retry button.
        context["failed_sends"] = round_unsent_invitations(round=vote_round)
        results = round_results(round=vote_round)
        context["results"] = results
        distribution = results["score_distribution"]
        context["score_chart"] = bar_chart(
            x=[str(s) for s in distribution], y=list(distribution.values()),
            title="Score distribution", x_title="score (1–5)", y_title="votes",
        )
        if results["voted"]:
            context["preference_chart"] = variant_preference_chart(preference=round_variant_preference(results=results))
        if results["price_curve"]:
            context["price_chart"] = price_acceptance_chart(
                curve=results["price_curve"], wholesale_price=results["wholesale_price"],
                wholesale_basis=results["wholesale_basis"], currency=results["currency"],
            )
        questions = vote_round.questions or []
        context["questions"] = questions
        context["vote_answers"] = [(v, [v.answers.get(q["key"], "") for q in questions]) for v in votes]
        suggestion = round_suggest_decision(results=results)
        context["suggestion"] = suggestion
        if vote_round.status == VoteRound.Status.CLOSED and not vote_round.decision:
            context["decision_form"] = kwargs.get("decision_form") or DecisionForm(initial={"decision": suggestion})
        context["events"] = vote_round.events.all()
        return context


class _RoundActionView(MerchandiserRequiredMixin, View):
    http_method_names = ["post"]

    def get_round(self, pk) -> VoteRound:
        return get_object_or_404(VoteRound, pk=pk)


class RoundCloseView(_RoundActionView):
    """GET asks for confirmation (closing cannot be undone: buyers' links stop taking votes); POST closes."""

    http_method_names = ["get", "post"]

    def get(self, request, pk):
        vote_round = get_object_or_404(
            VoteRound.objects.select_related("sample__concept").annotate(
                n_invited=correlated_count(Invitation, link="round"), n_votes=correlated_count(Vote, link="round")
            ),
            pk=pk,
        )
        return render(request, "samples/round_close_confirm.html", {"round": vote_round})

    def post(self, request, pk):
        vote_round = round_close(round=self.get_round(pk), actor=request.user.get_username())
        messages.success(request, f"Round {vote_round.pk} closed.")
        return redirect(vote_round.get_absolute_url())


class RoundDecideView(_RoundActionView):
    def post(self, request, pk):
        vote_round = self.get_round(pk)
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                round_decide(
                    round=vote_round,
                    decision=form.cleaned_data["decision"],
                    note=form.cleaned_data["note"],
                    actor=request.user.get_username(),
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, f"Round {vote_round.pk}: {vote_round.get_decision_display()} recorded.")
                return redirect(vote_round.get_absolute_url())
        view = VoteRoundDetailView(request=request, kwargs={"pk": pk}, args=())
        view.object = view.get_object()
        context = view.get_context_data(object=view.object, decision_form=form)
        return render(request, view.template_name, context, status=400)


class InvitationRetryView(MerchandiserRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        invitation = get_object_or_404(Invitation.objects.select_related("buyer", "round"), pk=pk)
        try:
            queued = invitation_retry(invitation=invitation)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if queued:
                messages.success(request, f"Invitation to {invitation.buyer} queued again.")
            else:
                messages.info(request, f"The invitation to {invitation.buyer} was already sent.")
        return redirect(invitation.round.get_absolute_url())
