# Placeholder in redis:alpine's place (redis-server, port 6379): prints Redis's readiness line and accepts TCP without
# speaking the protocol. Only for running the upstream topology end to end here (images.ts PLACEHOLDER_IMAGES).
ARG BASE
FROM ${BASE}
ARG TWIN_HASH
LABEL evochat.twin-hash="${TWIN_HASH}" evochat.twin-role="redis-placeholder"
ENV TWIN_ROLE=redis
EXPOSE 6379
CMD ["redis-server"]
