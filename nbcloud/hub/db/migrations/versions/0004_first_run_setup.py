"""first-run setup claim: one row at most, so that only one setup can create the administrator

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('first_run_setup',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('id = 1', name='ck_first_run_setup_single_row'),
    sa.PrimaryKeyConstraint('id')
    )
    # A hub that already has accounts is set up: claim the row for it.
    op.execute(
        "INSERT INTO first_run_setup (id, created_at) "
        "SELECT 1, CURRENT_TIMESTAMP WHERE EXISTS (SELECT 1 FROM users)"
    )


def downgrade() -> None:
    op.drop_table('first_run_setup')
