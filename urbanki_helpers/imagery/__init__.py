"""Aerial imagery (use cases 01, 02 and 04): synthetic orthophotos, pixel features,
classification, tiled processing of large rasters, aggregation to parcels and buildings."""
