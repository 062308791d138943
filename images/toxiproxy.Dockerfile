# Local stand-in for the upstream ghcr.io/shopify/toxiproxy image, built by
# `make images` (images/images.mk). The build context holds only `toxiproxy`
# (the static cmd/server binary, renamed). Labels are added with `docker build --label`.
FROM scratch
EXPOSE 8474
ENV LOG_LEVEL=info
COPY toxiproxy /toxiproxy
ENTRYPOINT ["/toxiproxy"]
CMD ["-host=0.0.0.0"]
