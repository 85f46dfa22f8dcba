"""user time zone and account closure

Revision ID: i16a_user_time_zone_closure
Revises: i13b_ce_claim_credential
Create Date: 2026-12-01 17:50:00

"""
from alembic import op
import sqlalchemy as sa

import course.models.types


# revision identifiers, used by Alembic.
revision = 'i16a_user_time_zone_closure'
down_revision = 'i14b_ce_outcomes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column('closed_at', course.models.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('closed_at')
        batch_op.drop_column('time_zone')
