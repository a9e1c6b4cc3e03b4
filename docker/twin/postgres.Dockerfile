# Placeholder in postgres:12's place (docker-entrypoint.sh postgres, port 5432): prints the image's readiness line
# twice, as the real one does on a fresh volume, and accepts TCP without speaking the protocol. The Chatwoot twin
# needs no database; this exists only so the upstream topology can run end to end here (images.ts PLACEHOLDER_IMAGES).
ARG BASE
FROM ${BASE}
ARG TWIN_HASH
LABEL evochat.twin-hash="${TWIN_HASH}" evochat.twin-role="postgres-placeholder"
ENV TWIN_ROLE=postgres
EXPOSE 5432
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
