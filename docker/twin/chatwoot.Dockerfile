# Chatwoot twin: stands in for chatwoot/chatwoot:v<VERSION> (upstream facts: ../../../shared/upstream/chatwoot-3.7-3.9.md §5).
# Same port (3000), env (FRONTEND_URL, DEFAULT_LOCALE, ENABLE_ACCOUNT_SIGNUP, ACTIVE_STORAGE_SERVICE + STORAGE_*, …),
# health route (GET /api) and commands: `docker/entrypoints/rails.sh bundle exec rails s -p 3000 -b 0.0.0.0` serves;
# `rails db:chatwoot_prepare` and `sidekiq` exit 0 (the twin keeps data in memory and runs jobs in-process).
# No shell in the image: rails.sh and bundle are Node launchers (see scripts/build-twin-images.ts).
ARG BASE
FROM ${BASE}
ARG VERSION
ARG TWIN_HASH
LABEL evochat.twin-hash="${TWIN_HASH}" evochat.twin-role="chatwoot" evochat.twin-version="${VERSION}"
ENV TWIN_ROLE=chatwoot TWIN_VERSION=${VERSION} RAILS_ENV=production RAILS_SERVE_STATIC_FILES=true TWIN_STORAGE_DIR=/app/storage
WORKDIR /app
EXPOSE 3000
CMD ["bundle", "exec", "rails", "s", "-p", "3000", "-b", "0.0.0.0"]
