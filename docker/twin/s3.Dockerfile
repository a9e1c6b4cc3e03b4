# S3 stand-in in MinIO's role (minio/minio): port 9000, MINIO_ROOT_USER / MINIO_ROOT_PASSWORD, `server /data`,
# health route GET /minio/health/live. Backed by s3rver, which does not check credentials (MACHINE-NOTES):
# faults that need a wrong secret to be refused need real MinIO.
ARG BASE
FROM ${BASE}
ARG TWIN_HASH
LABEL evochat.twin-hash="${TWIN_HASH}" evochat.twin-role="s3"
ENV TWIN_ROLE=s3 MINIO_ROOT_USER=minioadmin MINIO_ROOT_PASSWORD=minioadmin
EXPOSE 9000
ENTRYPOINT ["/usr/bin/docker-entrypoint.sh"]
CMD ["minio"]
