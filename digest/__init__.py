"""digest: what governments do about blockchain and crypto, region by region, from news feeds."""

__version__ = "0.1.0"
