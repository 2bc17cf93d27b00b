"""Renderers: model objects in, page HTML out. No disk access here."""
