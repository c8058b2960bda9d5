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


@shared_task(name="samples.close_due_rounds", soft_time_limit=60, time_limit=90)
def close_due_rounds() -> int:
    return services.round_close_due()
