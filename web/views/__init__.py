"""Blueprints, one per area: overview, families, pathways, interventions, loads.

Each view parses its input, calls one context function from
:mod:`web.contexts`, and answers with :func:`web.render.respond`.
"""
