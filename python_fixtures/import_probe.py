"""Which slow fixture modules have started and finished importing (read at `lifecycle_apps:logs`)."""
started = []
finished = []
