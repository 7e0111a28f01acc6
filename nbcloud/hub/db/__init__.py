"""Database: SQLAlchemy models, the engine, and Alembic migrations applied at start."""

from nbcloud.hub.db.engine import Database
from nbcloud.hub.db.models import ApiToken, Base, DriveItem, Session, Upload, User

__all__ = ["ApiToken", "Base", "Database", "DriveItem", "Session", "Upload", "User"]
