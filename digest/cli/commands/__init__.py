"""One module per command; `digest.cli` registers each on the app."""
