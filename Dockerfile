# kexit in a container: a static (musl) binary on an empty image.
#   docker build -t kexit .
#   docker run --rm -v "$PWD:/src" kexit                 # lints the mounted directory
#   docker run --rm -v "$PWD:/src" kexit lint k8s/ --format concise
FROM rust:1.95-alpine AS build
# musl-dev: the C runtime objects the linker needs; Rust's musl targets link statically.
RUN apk add --no-cache musl-dev
WORKDIR /build
COPY . .
RUN cargo build --profile dist --locked \
    && cp target/dist/kexit /kexit

FROM scratch
COPY --from=build /kexit /kexit
WORKDIR /src
ENTRYPOINT ["/kexit"]
CMD ["lint", "."]
