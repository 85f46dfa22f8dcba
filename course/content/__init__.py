"""Course content: loading, validation, rendering and article import."""
