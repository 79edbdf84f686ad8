# ecfacts: multi-stage image. Build on bookworm-slim with the -dev packages,
# run on bookworm-slim with only the shared libraries and the binary.
FROM debian:bookworm-slim AS build
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      gcc libc6-dev pkg-config meson ninja-build python3 \
      libmicrohttpd-dev libjansson-dev liblmdb-dev libcurl4-openssl-dev libxml2-dev \
      libpcre2-dev libutf8proc-dev libssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN meson setup /build --buildtype=release -Db_ndebug=true >/dev/null \
 && ninja -C /build ecfacts \
 && strip /build/ecfacts

FROM debian:bookworm-slim
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      libmicrohttpd12 libjansson4 liblmdb0 libcurl4 libxml2 libpcre2-8-0 libutf8proc2 libssl3 \
      ca-certificates \
 && rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log /var/cache/debconf/*-old \
 && useradd --system --uid 10001 --home-dir /data --no-create-home ecfacts \
 && mkdir -p /data && chown ecfacts /data
COPY --from=build /build/ecfacts /usr/local/bin/ecfacts
USER 10001
WORKDIR /data
VOLUME ["/data"]
ENV ECFACTS_DATA=/data \
    ECFACTS_LISTEN=127.0.0.1:8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/ecfacts", "health"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/ecfacts"]
CMD ["serve"]
