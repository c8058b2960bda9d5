# One image for the web process, the Celery worker and Celery beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=c2f.settings \
    C2F_VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles

WORKDIR /app

# XStatic-Bootstrap ships only an sdist whose build needs setuptools<81:
# the build constraint pins it for that build only.
COPY requirements.txt requirements-build.txt ./
RUN pip install pip==26.3 \
 && pip install --build-constraint requirements-build.txt -r requirements.txt

RUN groupadd --system c2f && useradd --system --gid c2f --home-dir /app --shell /usr/sbin/nologin c2f

COPY --chown=c2f:c2f . .

# The manifest storage used in production needs the files collected at build time.
# A throwaway key: production settings refuse a short one, and collectstatic signs nothing.
RUN C2F_ENV=production DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    python manage.py collectstatic --noinput \
 && mkdir -p /app/var/media /app/var/mail \
 && chown -R c2f:c2f /app/var /app/staticfiles

USER c2f
EXPOSE 8000

CMD ["gunicorn", "c2f.wsgi", "-b", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
