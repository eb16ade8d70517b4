"""What the web portal keeps, free of any web framework: the workspace secret, agency upload links,
signed receipts, staff users, and taking one upload. sopdoc/web serves it; sopdoc/cli prints it."""
