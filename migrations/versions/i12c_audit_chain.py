"""audit_entry.prev_hash / entry_hash: a tamper-evident chain (flask audit verify)

Revision ID: i12c_audit_chain
Revises: i12b_email_verified
Create Date: 2026-12-01 17:20:00

Existing entries are chained in id order here, so the log verifies from its first entry.
"""
from alembic import op
import sqlalchemy as sa


revision = 'i12c_audit_chain'
down_revision = 'i12b_email_verified'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('entry_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_audit_entry_prev_hash'), ['prev_hash'])
    _backfill()


def _backfill():
    from sqlalchemy.orm import Session

    from course.audit import GENESIS, entry_hash
    from course.models import AuditEntry

    session = Session(bind=op.get_bind())
    prev = GENESIS
    for entry in session.query(AuditEntry).order_by(AuditEntry.id):
        entry.prev_hash = prev
        entry.entry_hash = prev = entry_hash(prev, entry)
    session.flush()


def downgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_entry_prev_hash'), type_='unique')
        batch_op.drop_column('entry_hash')
        batch_op.drop_column('prev_hash')
