"""ce reporting identifiers, consent and self-reported credits

Revision ID: i14a_ce_identifiers
Revises: i12d_mfa
Create Date: 2026-12-01 17:50:00

"""
from alembic import op
import sqlalchemy as sa

import course.models.types


# revision identifiers, used by Alembic.
revision = 'i14a_ce_identifiers'
down_revision = 'i12d_mfa'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('npi', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('board_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('birth_month', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('birth_day', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('share_consent_at', course.models.types.UTCDateTime(timezone=True), nullable=True))

    op.create_table('ce_external_credit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('provider', sa.String(length=200), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('credit_type', sa.String(length=30), nullable=False),
    sa.Column('amount', sa.Double(), nullable=False),
    sa.Column('file_name', sa.String(length=64), nullable=True),
    sa.Column('file_type', sa.String(length=40), nullable=True),
    sa.Column('created_at', course.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_ce_external_credit_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ce_external_credit'))
    )
    with op.batch_alter_table('ce_external_credit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ce_external_credit_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('ce_external_credit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ce_external_credit_user_id'))
    op.drop_table('ce_external_credit')

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('share_consent_at')
        batch_op.drop_column('birth_day')
        batch_op.drop_column('birth_month')
        batch_op.drop_column('board_id')
        batch_op.drop_column('npi')
