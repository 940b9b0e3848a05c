// Nothing to import: the target only links the plain-build entry point (entry.c).
