"""A customer's rights over their data: marketing consent set by hand, their data exported, their erasure.

Each writes a ``CustomerEvent`` saying who did it and when. Erasure removes what identifies the person
(name, email, their id at the shop, their consent) and keeps their orders and figures, anonymous, so
revenue and portraits stay right; the id at the shop is replaced by a keyed hash, so importing the same
orders again finds the anonymous customer instead of bringing the person back.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.files import defuse
from customers.models import Customer, CustomerEvent

from .orders_store import erased_key
from .review_privacy import reviews_anonymise

ACTOR_MAX = 150
NOTE_MAX = 300


def _actor(actor) -> str:
    if not isinstance(actor, str) or not actor.strip():
        raise ValidationError({"actor": ["Say who makes the change."]})
    return actor.strip()[:ACTOR_MAX]


def _note(note) -> str:
    if not isinstance(note, str):
        raise ValidationError({"note": ["Must be text."]})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [f"At most {NOTE_MAX} characters."]})
    return defuse(note.strip())


def _locked(customer_id: int) -> Customer:
    try:
        return Customer.objects.select_for_update().get(pk=customer_id)
    except Customer.DoesNotExist:
        raise ValidationError({"customer": [f"Customer {customer_id} does not exist."]}) from None


def customer_consent_set(*, customer_id: int, consent: bool, actor: str, note: str = "") -> Customer:
    """Record the customer's marketing consent as the merchandiser was told it; a withdrawal set here is not
    undone by a later import (only by the dashboard again)."""
    actor, note = _actor(actor), _note(note)
    if not isinstance(consent, bool):
        raise ValidationError({"consent": ["Must be true or false."]})
    with transaction.atomic():
        customer = _locked(customer_id)
        if customer.erased_at:
            raise ValidationError({"consent": ["This customer was erased; there is no one to ask for consent."]})
        changed = customer.marketing_consent != consent or customer.consent_source != Customer.ConsentSource.DASHBOARD
        customer.marketing_consent = consent
        customer.consent_source = Customer.ConsentSource.DASHBOARD
        customer.consent_updated_at = timezone.now()
        customer.save(update_fields=["marketing_consent", "consent_source", "consent_updated_at"])
        if changed:
            CustomerEvent.objects.create(
                customer=customer, kind=CustomerEvent.Kind.CONSENT, actor=actor,
                note=(f"marketing consent {'given' if consent else 'withdrawn'}" + (f": {note}" if note else ""))[:NOTE_MAX],
            )
    return customer


def customer_export_record(*, customer_id: int, actor: str, file_format: str) -> None:
    """Note that the customer's data left the application as a file, and who took it."""
    actor = _actor(actor)
    with transaction.atomic():
        customer = _locked(customer_id)
        CustomerEvent.objects.create(
            customer=customer, kind=CustomerEvent.Kind.EXPORTED, actor=actor, note=f"exported as {file_format}"[:NOTE_MAX]
        )


def customer_erase(*, customer_id: int, actor: str, reason: str = "") -> Customer:
    """Erase the customer: name, email, id at the shop and consent gone, and the name shown with their
    reviews; orders, reviews' ratings and text, figures, country and the first-seen date kept, anonymous.
    Refused when already erased."""
    actor, reason = _actor(actor), _note(reason)
    with transaction.atomic():
        customer = _locked(customer_id)
        if customer.erased_at:
            raise ValidationError({"customer": [f"Customer {customer_id} was already erased on {customer.erased_at:%Y-%m-%d}."]})
        customer.external_id = erased_key(customer.external_id)
        customer.email = ""
        customer.name = ""
        customer.marketing_consent = False
        customer.consent_source = ""
        customer.consent_updated_at = None
        customer.erased_at = timezone.now()
        customer.save(update_fields=[
            "external_id", "email", "name", "marketing_consent", "consent_source", "consent_updated_at", "erased_at",
        ])
        # Earlier notes may quote the person (an order id is kept; nothing else identifies them).
        customer.events.exclude(kind=CustomerEvent.Kind.ERASED).update(note="")
        reviews_anonymise(customer=customer)
        CustomerEvent.objects.create(
            customer=customer, kind=CustomerEvent.Kind.ERASED, actor=actor, note=reason or "erased on request",
        )
    return customer
