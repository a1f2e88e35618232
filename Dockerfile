# Bilateral: the web application (gunicorn) and, with another command, the background worker.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_ENV=production

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml ./
RUN mkdir -p bilateral agreements \
    && touch bilateral/__init__.py agreements/__init__.py \
    && pip install . \
    && pip uninstall -y bilateral

COPY manage.py ./
COPY bilateral ./bilateral
COPY agreements ./agreements
COPY templates ./templates

# Static files are collected at build time and served by whitenoise. collectstatic reads the
# settings, which refuse to start in production without these; the values are not kept.
RUN DATABASE_URL=postgres://build@localhost/build \
    SECRET_KEY=build-only-secret-key-not-used-at-run-time-0123456789abcdef \
    ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput

# The documents' folder (MEDIA_ROOT), a volume in docker-compose.yml: owned by the application's
# user, which a new volume inherits.
RUN useradd --system --uid 10001 --home /app bilateral \
    && mkdir -p /app/media && chown bilateral /app/media
USER bilateral

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"

CMD ["gunicorn", "bilateral.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", "--forwarded-allow-ips", "*"]
