# The helpdesk image: one image for web, worker and beat (docker-compose.yml).
# CI runs the PostgreSQL pass of the tests on this Python (.ci/run reads it from here).
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1

# libmagic: file types from their bytes; gettext: compiling the translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmagic1 gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 helpdesk \
    && mkdir -p /data/media /app/var \
    && chown -R helpdesk /data /app

WORKDIR /app
# requirements.lock pins every dependency to the versions CI tests (make lock refreshes it).
COPY --chown=helpdesk pyproject.toml README.md requirements.lock ./
COPY --chown=helpdesk . .
RUN pip install -c requirements.lock -e . \
    && DEBUG=false python manage.py collectstatic --noinput \
    && python manage.py compilemessages --ignore "*.venv*" \
    && chown -R helpdesk /app/var

USER helpdesk
EXPOSE 8000
CMD ["gunicorn", "helpdesk.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
