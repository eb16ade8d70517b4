"""Files in: the batch, the watcher, the store."""
