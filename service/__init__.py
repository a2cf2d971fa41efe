"""What the web app and the CLI share, below both: the archive of a data dir, its configuration, exports."""
