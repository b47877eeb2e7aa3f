"""One module per output format; each turns a `Digest` into text for stdout."""
