//! Model of a container image's final filesystem and config (base-image catalogue + Dockerfile
//! effects).
