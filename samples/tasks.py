"""Celery entry points of link 4; routed to the ``email`` queue by ``samples.*``."""

import logging

from celery import shared_task

from core.tasks import TRANSIENT_SMTP_ERRORS, retried_task

from . import services
from .models import Invitation

logger = logging.getLogger(__name__)


def _email_task(name: str):
    """An email send: claimed before it goes out, so ``acks_late`` and retries never send twice."""
    return retried_task(name=name, transient=TRANSIENT_SMTP_ERRORS, acks_late=True, soft_time_limit=60, time_limit=90)


@_email_task("samples.send_invitation")
def send_invitation(invitation_id: int) -> bool:
    try:
        return services.invitation_send(invitation_id=invitation_id)
    except Invitation.DoesNotExist:
        logger.warning("invitation %s no longer exists; nothing to send", invitation_id)
        return False


@shared_task(name="samples.resend_stale", soft_time_limit=60, time_limit=90)
def resend_stale_invitations() -> int:
    return services.invitations_resend_stale()


@shared_task(name="samples.close_due_rounds", soft_time_limit=60, time_limit=90)
def close_due_rounds() -> int:
    return services.round_close_due()


@_email_task("samples.send_reminder")
def send_reminder(invitation_id: int, number: int) -> bool:
    try:
        return services.reminder_send(invitation_id=invitation_id, number=number)
    except Invitation.DoesNotExist:
        logger.warning("invitation %s no longer exists; no reminder", invitation_id)
        return False


@shared_task(name="samples.remind_due", soft_time_limit=120, time_limit=150)
def remind_due() -> int:
    """Queue a reminder for every buyer whose round's next reminder time has passed; beat runs it."""
    due = services.reminders_due()
    for invitation_id, number in due:
        send_reminder.delay(invitation_id, number)
    return len(due)
