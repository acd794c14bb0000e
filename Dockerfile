# The scrutiny image: one static binary, built for production, on a
# distroless base (CA certificates, /tmp and a non-root user; no shell, no
# package manager). docker-compose.yml runs it as migrate, server and worker.
#
#   docker build -t scrutiny .
#
# GOTOOLCHAIN=auto lets the Go image fetch the toolchain go.mod pins (see
# README, "Why the versions are pinned").

FROM docker.io/library/golang:1.26-bookworm AS build
ENV GOTOOLCHAIN=auto CGO_ENABLED=0
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The build tags must match PRODUCTION_TAGS in the Makefile, which .ci/run
# builds to check that the binary does not link go.temporal.io/server
# (cmd/scrutiny/commands_production_test.go checks the two lists agree).
# `-tags production` leaves out the commands that embed the whole stack
# (dev, load, bench; cmd/scrutiny/commands_dev.go), and with them the
# Temporal server.
RUN go build -tags production -trimpath -ldflags="-s -w" -o /out/scrutiny ./cmd/scrutiny \
    && ! go version -m /out/scrutiny | grep -q 'go.temporal.io/server'

# distroless/static, Debian 12, its "nonroot" variant, pinned by digest (it
# has no version tags); move the digest on to pick up new CA certificates.
FROM gcr.io/distroless/static-debian12:nonroot@sha256:d093aa3e30dbadd3efe1310db061a14da60299baff8450a17fe0ccc514a16639
COPY --from=build /out/scrutiny /usr/local/bin/scrutiny
# 65532 is distroless's "nonroot" user; numeric, so Kubernetes'
# runAsNonRoot can check it without reading /etc/passwd.
USER 65532:65532
EXPOSE 8080
# No HEALTHCHECK here: the same image runs the worker and migrate, which
# serve no /readyz. docker-compose.yml gives the server its own, through
# `scrutiny probe` (no shell or curl is needed).
ENTRYPOINT ["/usr/local/bin/scrutiny"]
CMD ["server"]
