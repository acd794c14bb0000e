# Builds the single scrutiny binary. GOTOOLCHAIN=auto lets the Go image fetch
# the toolchain go.mod pins (see README, "Why the versions are pinned").
FROM golang:1.26-bookworm AS build
ENV GOTOOLCHAIN=auto CGO_ENABLED=0
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -trimpath -o /out/scrutiny ./cmd/scrutiny

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 scrutiny
COPY --from=build /out/scrutiny /usr/local/bin/scrutiny
USER scrutiny
ENTRYPOINT ["scrutiny"]
