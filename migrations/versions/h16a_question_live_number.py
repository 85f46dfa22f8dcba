"""question live_number: the version learners get while a newer draft version waits

Revision ID: h16a_question_live_number
Revises: i16a_user_time_zone_closure
Create Date: 2026-12-01 19:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'h16a_question_live_number'
down_revision = 'i16a_user_time_zone_closure'
branch_labels = None
depends_on = None


def upgrade():
    # NULL means "the newest version is live", which is what every existing row serves today.
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('live_number', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_column('live_number')
