# Evolution API twin: stands in for atendai/evolution-api:v<VERSION> (upstream facts: ../../../shared/upstream/evolution-api-1.7.md §1.2, §7).
# Same WORKDIR, CMD (node ./dist/src/main.js), port (SERVER_PORT, 8080) and the image's baked-in env defaults,
# so a spec that relies on them behaves the same on the twin.
ARG BASE
FROM ${BASE}
ARG VERSION
ARG TWIN_HASH
LABEL evochat.twin-hash="${TWIN_HASH}" evochat.twin-role="evolution" evochat.twin-version="${VERSION}"
ENV TWIN_ROLE=evolution TWIN_VERSION=${VERSION} TWIN_STORE_DIR=/evolution DOCKER_ENV=true TZ=America/Sao_Paulo \
    SERVER_TYPE=http SERVER_PORT=8080 SERVER_URL=http://localhost:8080 \
    CORS_ORIGIN=* CORS_METHODS=POST,GET,PUT,DELETE CORS_CREDENTIALS=true \
    LOG_LEVEL=ERROR,WARN,DEBUG,INFO,LOG,VERBOSE,DARK,WEBHOOKS LOG_COLOR=true LOG_BAILEYS=error \
    DEL_INSTANCE=false DATABASE_ENABLED=false CACHE_REDIS_ENABLED=false CACHE_LOCAL_ENABLED=false \
    AUTHENTICATION_TYPE=apikey AUTHENTICATION_API_KEY=B6D711FCDE4D4FD5936544120E713976 AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES=true \
    QRCODE_LIMIT=30 QRCODE_COLOR=#198754 CONFIG_SESSION_PHONE_CLIENT=EvolutionAPI CONFIG_SESSION_PHONE_NAME=Chrome
WORKDIR /evolution
CMD ["node", "./dist/src/main.js"]
