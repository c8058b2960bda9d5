import re
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samples.models import Vote, VoteRound
from samples.tokens import SALT, vote_token_for

from .factories import InvitationFactory, VariantFactory, VoteFactory, VoteRoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def invitation():
    inv = InvitationFactory(buyer__markets=["GB"])
    VariantFactory(concept=inv.round.sample.concept, sku="SAGE-130", colour="sage green")
    VariantFactory(concept=inv.round.sample.concept, sku="CREAM-130", colour="cream")
    return inv


def url_for(invitation):
    return reverse("samples_vote:vote", args=[vote_token_for(invitation)])


def _post_data(invitation, **overrides):
    variant = invitation.round.sample.concept.variants.get(sku="SAGE-130")
    data = {"score": "4", "preferred_variant": str(variant.pk), "market": "US", "would_order_qty": "120",
            "acceptable_price": "18.50", "comment": "Good hand feel"}
    data.update(overrides)
    return data


def assert_private(response):
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"


def test_page_shows_sample_and_form(client, invitation, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get(url_for(invitation))
    assert response.status_code == 200
    assert_private(response)
    html = response.content.decode()
    concept = invitation.round.sample.concept
    assert concept.name in html and invitation.round.sample.spec in html
    assert "SAGE-130" in html and "CREAM-130" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert invitation.buyer.email not in html
    assert response.context["form"].initial == {"market": "GB"}


def test_valid_vote_stores_one_row_and_second_post_updates_it(client, invitation):
    url = url_for(invitation)
    response = client.post(url, _post_data(invitation))
    assert response.status_code == 303 and response["Location"].endswith("?saved=1")
    vote = Vote.objects.get()
    assert (vote.round_id, vote.buyer_id, vote.score, vote.would_order_qty, str(vote.acceptable_price), vote.market) == (
        invitation.round_id, invitation.buyer_id, 4, 120, "18.50", "US")

    response = client.post(url, _post_data(invitation, score="2", would_order_qty="0", preferred_variant=""))
    assert response.status_code == 303
    assert Vote.objects.count() == 1
    vote.refresh_from_db()
    assert (vote.score, vote.would_order_qty, vote.preferred_variant_id) == (2, 0, None)

    page = client.get(response["Location"])
    html = page.content.decode()
    assert "data-vote-saved" in html and "may change it until" in html
    assert page.context["form"].initial["score"] == 2
    assert_private(page)


def test_invalid_form_is_shown_again_and_stores_nothing(client, invitation):
    response = client.post(url_for(invitation), _post_data(invitation, score="9", would_order_qty="-3"))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"score", "would_order_qty"}
    assert Vote.objects.count() == 0


def test_variant_of_another_concept_is_refused(client, invitation):
    foreign = VariantFactory()
    response = client.post(url_for(invitation), _post_data(invitation, preferred_variant=str(foreign.pk)))
    assert response.status_code == 200 and "preferred_variant" in response.context["form"].errors
    assert Vote.objects.count() == 0


def _tampered(inv):
    token = vote_token_for(inv)
    return token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")


def _foreign(inv):
    return signing.dumps({"k": inv.key, "r": VoteRoundFactory().pk}, salt=SALT)


def _expired(inv):
    VoteRound.objects.filter(pk=inv.round_id).update(
        opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now() - timedelta(minutes=1))
    return vote_token_for(inv)


def _closed(inv):
    VoteRound.objects.filter(pk=inv.round_id).update(status=VoteRound.Status.CLOSED)
    return vote_token_for(inv)


@pytest.mark.parametrize(
    "make_token, status, title",
    [(_tampered, 400, "not valid"), (lambda inv: "garbage", 400, "not valid"),
     (_foreign, 400, "another round"), (_expired, 410, "Voting has ended"), (_closed, 410, "round is closed")],
    ids=["tampered", "garbage", "foreign-round", "expired", "closed"],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_unusable_links_render_a_clear_page_and_store_nothing(client, invitation, make_token, status, title, method):
    url = reverse("samples_vote:vote", args=[make_token(invitation)])
    data = _post_data(invitation)
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code == status
    assert title in response.content.decode()
    assert "data-vote-form" not in response.content.decode()
    assert_private(response)
    assert Vote.objects.count() == 0


def test_csrf_is_enforced(invitation):
    client = Client(enforce_csrf_checks=True)
    url = url_for(invitation)
    assert client.post(url, _post_data(invitation)).status_code == 403
    assert Vote.objects.count() == 0

    page = client.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(url, {**_post_data(invitation), "csrfmiddlewaretoken": token})
    assert response.status_code == 303
    assert Vote.objects.count() == 1


def test_rate_limit_returns_429(client, invitation, settings):
    settings.C2F_VOTE_RATE = "3/min"
    url = url_for(invitation)
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    response = client.post(url, _post_data(invitation))
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert_private(response)
    assert Vote.objects.count() == 0
    # Another client address has its own allowance.
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_existing_vote_prefills_the_form(client, invitation):
    variant = invitation.round.sample.concept.variants.get(sku="CREAM-130")
    VoteFactory(round=invitation.round, buyer=invitation.buyer, score=3, would_order_qty=40,
                preferred_variant=variant, market="GB", comment="Maybe in grey")
    html = client.get(url_for(invitation)).content.decode()
    assert "Maybe in grey" in html and "Change your vote" in html
    assert re.search(rf'<option value="{variant.pk}" selected>', html)
    assert re.search(r'value="3"[^>]*checked', html)


def test_only_get_and_post(client, invitation):
    response = client.put(url_for(invitation))
    assert response.status_code == 405
    assert_private(response)


def _csrf_client_and_token(url):
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    return client, re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


def test_csrf_accepts_a_same_origin_post_with_the_token(invitation):
    url = url_for(invitation)
    client, token = _csrf_client_and_token(url)
    response = client.post(url, {**_post_data(invitation), "csrfmiddlewaretoken": token},
                           HTTP_ORIGIN="http://testserver")
    assert response.status_code == 303
    assert Vote.objects.count() == 1


def test_csrf_still_rejects_a_foreign_origin_and_a_missing_token(invitation):
    url = url_for(invitation)
    client, token = _csrf_client_and_token(url)
    response = client.post(url, {**_post_data(invitation), "csrfmiddlewaretoken": token},
                           HTTP_ORIGIN="http://elsewhere.test")
    assert response.status_code == 403
    assert client.post(url, _post_data(invitation), HTTP_ORIGIN="http://testserver").status_code == 403
    assert client.post(url, {**_post_data(invitation), "csrfmiddlewaretoken": token},
                       HTTP_ORIGIN="null").status_code == 403
    assert Vote.objects.count() == 0


# --- the buyer's language, the form first, the error summary, the terms ------------------


def _buyer_invitation(language="en", **round_kwargs):
    inv = InvitationFactory(
        buyer__language=language, buyer__markets=["DE"],
        round__sample__concept__target_price=Decimal("49.00"), round__sample__concept__unit_cost=Decimal("13.57"),
        **{f"round__{k}": v for k, v in round_kwargs.items()},
    )
    VariantFactory(concept=inv.round.sample.concept, sku="SAGE-130", colour="sage green", material="recycled polyester")
    return inv


@pytest.mark.parametrize(
    "language, lang, texts",
    [("de", "de", ["Ihre Einschätzung", "Stückzahl, die Sie bestellen würden", "Bewertung absenden",
                   "24,50\u00a0$ pro Stück", "Mindestbestellmenge: 1.200 Stück."]),
     ("ja-JP", "ja", ["評価", "ご発注予定の数量（個）", "投票を送信する", "1個あたり$24.50", "最小発注数量：1,200個"]),
     ("fr", "fr", ["Votre note", "Envoyer mon vote", "24,50\u00a0$US par unité"]),
     ("zh-CN", "zh-hans", ["您的评分", "提交我的投票", "每件US$24.50"]),
     ("sv", "en", ["Your score", "Send my vote", "$24.50 per unit", "Minimum order: 1,200 units."])],
)
def test_page_speaks_the_buyers_language(client, language, lang, texts):
    invitation = _buyer_invitation(language, min_order_qty=1200, lead_time_days=30)
    response = client.get(url_for(invitation))
    html = response.content.decode()
    assert response["Content-Language"] == lang
    assert f'<html lang="{lang}">' in html
    for text in texts:
        assert text in html, text


def test_form_comes_before_the_specification_and_the_terms_are_a_buyers(client):
    invitation = _buyer_invitation(min_order_qty=60, lead_time_days=35)
    html = client.get(url_for(invitation)).content.decode()
    assert html.index("data-vote-form") < html.index('id="specification"') < html.index(invitation.round.sample.spec)
    assert html.index('name="score"') < html.index('name="would_order_qty"') < html.index('name="preferred_variant"')
    terms = html[html.index("data-vote-terms"):html.index("</dl>")]
    for text in ("Wholesale price", "$24.50 per unit", "Minimum order", "60 units", "Lead time",
                 "35 days from order to shipment", "Materials", "recycled polyester"):
        assert text in terms, text


@pytest.mark.parametrize("language", ["en", "de", "ja", "pl"])
def test_public_page_and_email_never_show_the_unit_cost(client, language):
    from samples.services import invitation_message

    invitation = _buyer_invitation(language)
    pages = [client.get(url_for(invitation)).content.decode(),
             client.post(url_for(invitation), {"score": "9"}).content.decode()]
    message = invitation_message(invitation)
    for text in [*pages, message.subject, message.body, message.alternatives[0][0]]:
        assert "13.57" not in text and "13,57" not in text
        assert "unit cost" not in text.lower()


def test_refused_submit_puts_an_error_summary_first_linking_to_each_field(client):
    invitation = _buyer_invitation("de")
    response = client.post(url_for(invitation), {"would_order_qty": "-3", "acceptable_price": "abc"})
    assert response.status_code == 200 and Vote.objects.count() == 0
    html = response.content.decode()
    summary = html[html.index("data-error-summary"):html.index("</ul>", html.index("data-error-summary"))]
    assert html.index("data-error-summary") < html.index("data-vote-form")
    assert 'role="alert"' in html and 'tabindex="-1"' in html
    anchors = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert [a for a, _ in anchors] == ["id_score_0", "id_would_order_qty", "id_acceptable_price"]
    assert anchors[0][1].startswith("Ihre Einschätzung: ")
    for anchor, _ in anchors:
        assert f'id="{anchor}"' in html  # each link lands on a field of the page
    assert re.search(r'id="id_would_order_qty"', html) and 'aria-invalid="true"' in html
    assert '<html lang="de">' in html


def test_a_valid_german_vote_is_stored(client):
    invitation = _buyer_invitation("de")
    response = client.post(url_for(invitation), {"score": "5", "would_order_qty": "80", "acceptable_price": "22.40"})
    assert response.status_code == 303
    page = client.get(response["Location"]).content.decode()
    assert "Ihre Bewertung ist gespeichert" in page
    vote = Vote.objects.get()
    assert (vote.score, vote.would_order_qty, vote.acceptable_price) == (5, 80, Decimal("22.40"))


@pytest.mark.parametrize(
    "make_token, accept, title",
    [(lambda inv: "garbage", "fr-FR,fr;q=0.9", "Ce lien de vote n'est pas valide"),
     (lambda inv: "garbage", "ja", "この投票リンクは無効です"),
     (lambda inv: "garbage", "", "This vote link is not valid")],
)
def test_a_link_naming_no_buyer_speaks_the_browsers_language(client, invitation, make_token, accept, title):
    url = reverse("samples_vote:vote", args=[make_token(invitation)])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 400
    assert title in unescape(response.content.decode())


def test_a_closed_rounds_link_speaks_the_buyers_language(client):
    invitation = _buyer_invitation("ja")
    url = url_for(invitation)
    VoteRound.objects.filter(pk=invitation.round_id).update(
        opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now() - timedelta(hours=1))
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
    html = response.content.decode()
    assert response.status_code == 410
    assert '<html lang="ja">' in html and "投票は終了しました" in html and "に締め切られました" in html


def test_too_many_requests_in_the_browsers_language(client, invitation, settings):
    settings.C2F_VOTE_RATE = "1/min"
    url = url_for(invitation)
    client.get(url)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 429 and "Demasiadas solicitudes" in response.content.decode()


def test_a_vote_before_the_round_opens_is_refused_in_the_buyers_language(client):
    invitation = _buyer_invitation("it", opens_at=timezone.now() + timedelta(days=1),
                                   closes_at=timezone.now() + timedelta(days=9))
    response = client.post(url_for(invitation), {"score": "4", "would_order_qty": "10"})
    assert response.status_code == 409 and "La votazione non è ancora iniziata" in response.content.decode()
    assert Vote.objects.count() == 0
