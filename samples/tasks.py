"""Celery entry points of link 4; routed to the ``email`` queue by ``samples.*``."""

import logging
import smtplib

from celery import shared_task

from . import services
from .models import Invitation

logger = logging.getLogger(__name__)

# SMTP and network failures are transient; anything else is a bug and is not retried.
TRANSIENT_SEND_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


@shared_task(
    name="samples.send_invitation",
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
    autoretry_for=TRANSIENT_SEND_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
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


@shared_task(
    name="samples.send_reminder",
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
    autoretry_for=TRANSIENT_SEND_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
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
