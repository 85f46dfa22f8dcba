"""ce outcomes: pre-test, follow-up survey, confidence in the commitment to change

Revision ID: i14b_ce_outcomes
Revises: i14a_ce_identifiers
Create Date: 2026-12-01 18:05:00

"""
from alembic import op
import sqlalchemy as sa

import course.models.types


# revision identifiers, used by Alembic.
revision = 'i14b_ce_outcomes'
down_revision = 'i14a_ce_identifiers'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course_evaluation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('change_confidence', sa.Integer(), nullable=True))

    op.create_table('ce_pretest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('started_at', course.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', course.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_ce_pretest_course_id_course')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_ce_pretest_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ce_pretest')),
    sa.UniqueConstraint('user_id', 'course_id', name=op.f('uq_ce_pretest_user_id_course_id'))
    )
    with op.batch_alter_table('ce_pretest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ce_pretest_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ce_pretest_user_id'), ['user_id'], unique=False)

    op.create_table('ce_follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('invited_at', course.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('made_change', sa.String(length=10), nullable=True),
    sa.Column('barriers', sa.Text(), nullable=False),
    sa.Column('responded_at', course.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_ce_follow_up_course_id_course')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_ce_follow_up_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ce_follow_up')),
    sa.UniqueConstraint('user_id', 'course_id', name=op.f('uq_ce_follow_up_user_id_course_id'))
    )
    with op.batch_alter_table('ce_follow_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ce_follow_up_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ce_follow_up_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('ce_follow_up', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ce_follow_up_user_id'))
        batch_op.drop_index(batch_op.f('ix_ce_follow_up_course_id'))
    op.drop_table('ce_follow_up')
    with op.batch_alter_table('ce_pretest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ce_pretest_user_id'))
        batch_op.drop_index(batch_op.f('ix_ce_pretest_course_id'))
    op.drop_table('ce_pretest')
    with op.batch_alter_table('course_evaluation', schema=None) as batch_op:
        batch_op.drop_column('change_confidence')
