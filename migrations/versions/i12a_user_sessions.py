"""user sessions: one revocable row per signed-in device

Revision ID: i12a_user_sessions
Revises: i13b_ce_claim_credential
Create Date: 2026-12-01 17:00:00

Existing cookies name a numeric user id, which no session row matches, so everyone signs in
again once after this migration: intended, since those cookies could not be revoked.
"""
from alembic import op
import sqlalchemy as sa

import course.models.types


revision = 'i12a_user_sessions'
down_revision = 'i13b_ce_claim_credential'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', course.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', course.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('remember', sa.Boolean(), nullable=False),
    sa.Column('user_agent', sa.String(length=255), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_session_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_session_token_hash'))
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
    op.drop_table('user_session')
