# syntax=docker/dockerfile:1
# Build stage: install the bot and its dependencies into a virtual environment (every dependency ships wheels,
# so no compiler is needed; the final stage has none either way).
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY db ./db
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir .

# Run stage: the virtual environment, the content and the migrations; a non-root user; SQLite on a volume.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    DATABASE_URL=sqlite+aiosqlite:////data/coach.db \
    WEB_HOST=0.0.0.0 \
    WEB_PORT=8080
RUN useradd --create-home --uid 10001 coach && mkdir /data && chown coach:coach /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY content ./content
COPY migrations ./migrations
COPY alembic.ini ./
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
# `coach run` applies the migrations, then serves: webhook when WEBHOOK_URL is set, long polling otherwise.
CMD ["coach", "run"]
