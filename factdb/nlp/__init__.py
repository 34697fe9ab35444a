"""Natural-language layer: spaCy pipeline, claims, quantities, dates."""
