"""editions: each day's published real-time average, frozen; indexes of the Atom feeds

Revision ID: 0006
Revises: 0005

``average_edition`` keeps, per question and UTC day, the real-time average as published
that day (the recompute job writes today's row, the sweep marks past days final). The
poll indexes on ``created_at`` / ``updated_at`` let the feeds read their newest entries
without scanning the polls.
"""
import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

FEED_INDEXES = [
    ('ix_poll_created', ['created_at']),
    ('ix_poll_updated', ['updated_at']),
    ('ix_poll_question_created', ['question_id', 'created_at']),
    ('ix_poll_question_updated', ['question_id', 'updated_at']),
    ('ix_poll_pollster_created', ['pollster_id', 'created_at']),
    ('ix_poll_pollster_updated', ['pollster_id', 'updated_at']),
]


def upgrade():
    op.create_table('average_edition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('data_version', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('final', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('averages', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_average_edition_question_id_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_average_edition')),
    sa.UniqueConstraint('question_id', 'day', name=op.f('uq_average_edition_question_id_day'))
    )
    with op.batch_alter_table('average_edition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_average_edition_final'), ['final'], unique=False)
    with op.batch_alter_table('poll', schema=None) as batch_op:
        for name, columns in FEED_INDEXES:
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    with op.batch_alter_table('poll', schema=None) as batch_op:
        for name, _columns in FEED_INDEXES:
            batch_op.drop_index(name)
    with op.batch_alter_table('average_edition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_average_edition_final'))
    op.drop_table('average_edition')
