# newsflow image: one binary for every service (`newsflow serve lang|dedup|tag`),
# the topic set-up (`newsflow topics create`) and the demo producer.
#
#   docker build -t newsflow .
#
# Stage 1 compiles the release binary (librdkafka is built from source by the
# rdkafka crate, hence the C toolchain); stage 2 is a slim Debian with only the
# binary, the data files of config/ and curl for the health checks.

FROM rust:1-bookworm AS builder
RUN apt-get update \
    && apt-get install -y --no-install-recommends cmake \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Manifests first, so that a change to the sources alone does not invalidate the
# dependency download layer.
COPY Cargo.toml Cargo.lock ./
COPY crates ./crates
COPY src ./src
COPY tests ./tests
RUN cargo fetch --locked
RUN cargo build --release --locked --bin newsflow \
    && cp target/release/newsflow /usr/local/bin/newsflow

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /app --shell /usr/sbin/nologin newsflow
COPY --from=builder /usr/local/bin/newsflow /usr/local/bin/newsflow
WORKDIR /app
COPY config ./config
USER newsflow
ENV NEWSFLOW_CONFIG=/app/config/newsflow.toml \
    NEWSFLOW_LOG_FORMAT=json
# /metrics, /healthz and /readyz when started with --metrics-addr 0.0.0.0:9464.
EXPOSE 9464
ENTRYPOINT ["newsflow"]
CMD ["--help"]
