# pullcheck's HTTP fault gate as a container (container mode and kind), built by `make images`
# (images/images.mk). The build context holds `rootfs/`: the Node.js binary of the build machine
# with the shared libraries it links (so no base image is pulled) and the gate bundled into one
# file by esbuild.
FROM scratch
COPY rootfs/ /
EXPOSE 5000 5001
ENTRYPOINT ["/usr/local/bin/node", "/gate/gate-server.mjs"]
CMD ["--listen", "5000", "--control", "5001", "--upstream", "registry:5000"]
