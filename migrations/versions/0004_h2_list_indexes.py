"""indexes for paginated lists at scale

Revision ID: 0004_h2
Revises: 0003

The question page's poll table reads one page of a question's polls newest first, its
pollster filter the question's pollsters, and the pollster lists count each listed
pollster's polls. With 150,000 polls these sorted or counted a question's (or a pollster's)
every poll; these indexes let the database read only the page (checked with EXPLAIN in
bench/bench_pages.py --explain).
"""
from alembic import op


revision = '0004_h2'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('poll', schema=None) as batch_op:
        batch_op.create_index('ix_poll_question_newest', ['question_id', 'end_date', 'start_date', 'id'],
                              unique=False)
        batch_op.create_index('ix_poll_question_pollster', ['question_id', 'pollster_id', 'deleted_at'],
                              unique=False)
        batch_op.create_index('ix_poll_pollster_deleted', ['pollster_id', 'deleted_at'], unique=False)


def downgrade():
    with op.batch_alter_table('poll', schema=None) as batch_op:
        batch_op.drop_index('ix_poll_pollster_deleted')
        batch_op.drop_index('ix_poll_question_pollster')
        batch_op.drop_index('ix_poll_question_newest')
