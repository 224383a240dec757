"""Ingest: read agency exports, validate them against the contract, normalise, write to a graph store."""
