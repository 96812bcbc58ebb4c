# Vangnet's container image: one image for web (gunicorn), worker and scheduler.
# Slim Debian with WeasyPrint's system libraries; runs as an unprivileged user; static files are
# collected at build time (WhiteNoise serves them with hashed names). See docs/operations.md.
# syntax=docker/dockerfile:1

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
RUN python -m venv /opt/vangnet \
 && /opt/vangnet/bin/pip install --upgrade pip \
 && /opt/vangnet/bin/pip install .

FROM python:3.11-slim-bookworm
# WeasyPrint (PDF exports) needs Pango, HarfBuzz and a font; `vangnet backup` needs pg_dump of the
# server's major version (Debian 12: 15, hence postgres:15 in compose.yaml). Nothing else is installed.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libffi8 \
      fonts-dejavu-core shared-mime-info postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 vangnet \
 && useradd --system --uid 10001 --gid vangnet --home-dir /data --shell /usr/sbin/nologin vangnet \
 && mkdir -p /data /app/static \
 && chown vangnet:vangnet /data
COPY --from=build /opt/vangnet /opt/vangnet
ENV PATH=/opt/vangnet/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=vangnet.settings.production \
    VANGNET_DATA_DIR=/data \
    VANGNET_STATIC_ROOT=/app/static \
    VANGNET_BIND=0.0.0.0:8000 \
    GUNICORN_WORKER_TMP_DIR=/dev/shm
# collectstatic with production storage (hashed, compressed). The values below exist only for this
# build step: nothing is connected and none of them reaches the running container.
RUN SECRET_KEY="build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    VANGNET_SERVER_KEY="build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    ALLOWED_HOSTS=build.invalid DATABASE_URL=postgres://build@build.invalid/build \
    EMAIL_URL=smtp://build.invalid:25 REDIS_URL=redis://build.invalid:6379/0 \
    VANGNET_DATA_DIR=/tmp/build-data \
    vangnet collectstatic --noinput -v 0 \
 && rm -rf /tmp/build-data
USER vangnet:vangnet
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/live/', timeout=4)"]
CMD ["vangnet", "serve"]
