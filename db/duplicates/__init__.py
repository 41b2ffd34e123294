"""Finding records that are the same organization or person, and merging them."""
