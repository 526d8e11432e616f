# The helpdesk image: one image for web, worker and beat (docker-compose.yml).
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1

# libmagic: file types from their bytes; gettext: compiling the translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmagic1 gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 helpdesk \
    && mkdir -p /data/media /app/var \
    && chown -R helpdesk /data /app

WORKDIR /app
COPY --chown=helpdesk pyproject.toml README.md ./
COPY --chown=helpdesk . .
RUN pip install -e . \
    && DEBUG=false python manage.py collectstatic --noinput \
    && python manage.py compilemessages --ignore "*.venv*" \
    && chown -R helpdesk /app/var

USER helpdesk
EXPOSE 8000
CMD ["gunicorn", "helpdesk.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
