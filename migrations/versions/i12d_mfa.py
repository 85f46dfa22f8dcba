"""user MFA: TOTP secret, enabled time, hashed one-time recovery codes

Revision ID: i12d_mfa
Revises: i12c_audit_chain
Create Date: 2026-12-01 17:30:00
"""
from alembic import op
import sqlalchemy as sa

import course.models.types


revision = 'i12d_mfa'
down_revision = 'i12c_audit_chain'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mfa_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('mfa_enabled_at', course.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('mfa_recovery_hashes', sa.JSON(), nullable=False, server_default='[]'))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('mfa_recovery_hashes')
        batch_op.drop_column('mfa_enabled_at')
        batch_op.drop_column('mfa_secret')
