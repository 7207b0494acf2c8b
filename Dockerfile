# newsflow image: one binary for every service (`newsflow serve lang|dedup|tag`),
# the topic set-up (`newsflow topics create`) and the demo producer.
#
#   docker build -t newsflow .
#
# The binary holds its default configuration and rule data, and OpenSSL (TLS,
# SASL) is compiled into it: the runtime image needs only the binary, the CA
# certificates for TLS brokers and the sample articles of the demo producer.

# Stage 1: a copy of the workspace with every manifest and an empty file in place
# of every Rust source. Its content, and so the cache of the dependency layers
# below, changes only when a Cargo.toml or Cargo.lock does.
FROM rust:1-bookworm AS skeleton
WORKDIR /src
COPY . .
RUN mkdir /skeleton \
    && find . -path ./target -prune -o \( -name Cargo.toml -o -name Cargo.lock \) -print \
        | xargs -I{} cp --parents {} /skeleton \
    && find . -path ./target -prune -o -name '*.rs' -print \
        | while read -r file; do mkdir -p "/skeleton/$(dirname "$file")" && : > "/skeleton/$file"; done \
    && echo 'fn main() {}' > /skeleton/src/main.rs

# Stage 2: dependencies (fetched, then built against the empty sources), then the
# real sources. librdkafka and OpenSSL are built from source by their crates
# (C compiler, make and perl come with the rust image).
FROM rust:1-bookworm AS builder
WORKDIR /src
# No debug info and a stripped binary in the image (the local release profile
# keeps line tables for profiling).
ENV CARGO_PROFILE_RELEASE_DEBUG=false \
    CARGO_PROFILE_RELEASE_STRIP=symbols
COPY --from=skeleton /skeleton ./
RUN cargo fetch --locked
RUN cargo build --release --locked --bin newsflow
COPY Cargo.toml Cargo.lock ./
COPY crates ./crates
COPY src ./src
# config/ is compiled into the binary (rule data and default configuration).
COPY config ./config
# The sources keep the build context's timestamps, which can be older than the
# empty stand-ins built above: touch them so that cargo rebuilds the workspace.
RUN find crates src -name '*.rs' -exec touch {} + \
    && cargo build --release --locked --bin newsflow \
    && cp target/release/newsflow /usr/local/bin/newsflow

# Stage 3: what runs.
FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin newsflow
COPY --from=builder /usr/local/bin/newsflow /usr/local/bin/newsflow
WORKDIR /app
# Only for the demo producer of docker-compose.yml.
COPY config/samples ./config/samples
USER 10001
ENV NEWSFLOW_LOG_FORMAT=json
# /metrics, /healthz and /readyz when started with --metrics-addr 0.0.0.0:9464;
# `newsflow probe` is the health check (no curl in the image).
EXPOSE 9464
ENTRYPOINT ["newsflow"]
CMD ["--help"]
