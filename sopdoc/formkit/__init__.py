"""What plugins import: normalisers, fields, Excel and Word table readers."""
