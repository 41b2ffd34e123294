"""The database file's life: migrations, backups, health checks, planner statistics."""
