# ecfacts: multi-stage image. Build on bookworm-slim with the -dev packages,
# run on bookworm-slim with only the shared libraries and the binary.
FROM debian:bookworm-slim AS build
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      gcc libc6-dev pkg-config meson ninja-build python3 \
      libmicrohttpd-dev libjansson-dev liblmdb-dev libcurl4-openssl-dev libgumbo-dev \
      libexpat1-dev libutf8proc-dev libssl-dev libxxhash-dev libpsl-dev liblink-grammar-dev zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN meson setup /build --buildtype=release -Db_ndebug=true -Db_lto=true >/dev/null \
 && ninja -C /build ecfacts \
 && strip /build/ecfacts \
 && for lib in $(ldd /build/ecfacts | awk '/=>/ {print $3}'); do dpkg -S "*/${lib##*/}"; done \
      | cut -d: -f1 | sort -u > /build/runtime-packages \
 && cat /build/runtime-packages

FROM debian:bookworm-slim
# Exactly the packages that own the shared libraries the binary links, the
# CA roots HTTPS fetching verifies against, and Link Grammar's English
# dictionary (the extractor's parse layer; liblink-grammar5 depends on it too).
# Measured with dpkg-query Installed-Size: liblink-grammar5 470 KiB,
# link-grammar-dictionaries-en 2077, minisat 405, libhunspell-1.7-0 550,
# libsqlite3-0 1682: about 5.1 MiB over the image without the parse layer.
COPY --from=build /build/runtime-packages /tmp/runtime-packages
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      $(cat /tmp/runtime-packages) ca-certificates link-grammar-dictionaries-en \
 && rm -rf /tmp/runtime-packages /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log /var/cache/debconf/*-old \
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
