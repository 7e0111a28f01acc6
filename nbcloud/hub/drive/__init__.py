"""Each user's files: bytes on disk under one root per user, ids and trash in the database."""
