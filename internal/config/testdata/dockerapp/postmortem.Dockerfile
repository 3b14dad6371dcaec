# Shaped like the taggedPointerPack postmortem's Dockerfile, for config
# tests of builderStage, builderFrom, runtimeStage and runtimeFrom; it is
# never built.
ARG TOOLSET=registry.access.redhat.com/ubi9/go-toolset:1.25
FROM ${TOOLSET} AS builder
USER 1001
WORKDIR /opt/app-root/src
COPY --chown=1001:0 . .
ARG GOARCH=amd64
RUN CGO_ENABLED=0 GOOS=linux GOARCH=${GOARCH} go build -mod=mod -o manager ./cmd/controller

FROM builder AS test
RUN go test ./...

FROM registry.access.redhat.com/ubi9/ubi-minimal:latest AS runtime
COPY --from=builder /opt/app-root/src/manager /manager
ENTRYPOINT ["/manager"]
