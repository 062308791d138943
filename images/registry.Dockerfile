# Local stand-in for the upstream registry:3 image (CNCF Distribution), built by
# `make images` (images/images.mk). The build context holds only `registry`
# (a static binary) and `config.yml`. Labels are added with `docker build --label`.
FROM scratch
COPY registry /bin/registry
COPY config.yml /etc/distribution/config.yml
VOLUME ["/var/lib/registry"]
ENV OTEL_TRACES_EXPORTER=none
EXPOSE 5000
ENTRYPOINT ["/bin/registry"]
CMD ["serve", "/etc/distribution/config.yml"]
