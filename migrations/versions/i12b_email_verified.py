"""user.email_verified_at: certificates go only to confirmed addresses

Revision ID: i12b_email_verified
Revises: i12a_user_sessions
Create Date: 2026-12-01 17:15:00

Accounts that exist before this revision are taken as confirmed (they were created by
admins or before verification existed), so nobody loses a certificate they could earn.
"""
from alembic import op
import sqlalchemy as sa

import course.models.types


revision = 'i12b_email_verified'
down_revision = 'i12a_user_sessions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', course.models.types.UTCDateTime(timezone=True), nullable=True))
    op.execute('UPDATE "user" SET email_verified_at = created_at')


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('email_verified_at')
