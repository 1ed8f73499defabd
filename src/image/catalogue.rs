//! The base-image catalogue (`rules/base-images.yaml`), parsed once at first use.

use super::Image;

/// Model a catalogue image for a reference (`python:3.12-slim`), or None when the repository is
/// not in the catalogue.
pub fn image(reference: &str) -> Option<Image> {
    let _ = reference;
    None
}
