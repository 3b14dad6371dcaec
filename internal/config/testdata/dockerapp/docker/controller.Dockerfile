# A kubernaut-style Dockerfile for config tests; it is never built.
ARG GOARCH=amd64
FROM docker.io/library/golang:1.25 AS builder
ARG GOFLAGS
ARG GOARCH
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 GOARCH=${GOARCH} go build ${GOFLAGS} -o /controller ./cmd/controller

FROM docker.io/library/debian:stable-slim
COPY --from=builder /controller /controller
ENTRYPOINT ["/controller"]
