# syntax=docker/dockerfile:1
# handoff as a container: `docker build -t handoff .`, then see compose.yaml for a deployment of
# two instances behind nginx on one Redis. docs/operations.md explains the settings.

# Build stage: the deployment build the README names (`--profile release-lto`).
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
# The caches keep the registry and the target directory between builds; the binary is copied out
# of the cache mount, which does not survive the RUN.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --profile release-lto --locked -p handoff \
    && cp target/release-lto/handoff /usr/local/bin/handoff

# Runtime stage: Debian slim (glibc, as built) with CA certificates for Figma and rediss://.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home handoff \
    && mkdir -p /data \
    && chown handoff:handoff /data
COPY --from=build /usr/local/bin/handoff /usr/local/bin/handoff

# Every key is a `HANDOFF_*` variable (crates/app/src/config.rs; README "Configuration"). In a
# container: listen on every interface (so `auth = "auto"` requires API keys), log JSON lines,
# keep the embedded store (used when HANDOFF_REDIS_URL is unset) in the volume. Set
# HANDOFF_REDIS_URL (e.g. redis://redis:6379/0) for more than one instance, HANDOFF_SECRET_KEY
# to store per-user Figma tokens, HANDOFF_FIGMA_TOKEN for a deployment-wide token.
ENV HANDOFF_BIND=0.0.0.0:3000 \
    HANDOFF_LOG_FORMAT=json \
    HANDOFF_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 3000
USER handoff:handoff
WORKDIR /data

# /health (on the port of HANDOFF_BIND) answers 200 while the process serves (/ready also checks the store: use it for load
# balancing, not for restarts). bash's /dev/tcp keeps curl out of the image.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${HANDOFF_BIND##*:} && printf 'GET /health HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]

# SIGTERM (docker stop) is a graceful shutdown: no new connections, in-flight requests get
# shutdown_grace_secs (10 s; docker's own stop timeout is also 10 s).
STOPSIGNAL SIGTERM
ENTRYPOINT ["handoff"]
CMD ["serve"]
