"""Ingest: read agency exports, validate them against the contract, write them to a store."""
