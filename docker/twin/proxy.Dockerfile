# The harness's recording / latency proxy (src/evidence). Not a stand-in: used with upstream and twin images alike.
ARG BASE
FROM ${BASE}
ARG TWIN_HASH
LABEL evochat.twin-hash="${TWIN_HASH}" evochat.twin-role="proxy"
ENV TWIN_ROLE=proxy
ENTRYPOINT ["/usr/bin/node", "/opt/evochat/container-main.mjs", "proxy"]
