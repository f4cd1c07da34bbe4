"""editions: each day's published real-time average, frozen; indexes of the Atom feeds;
webhook endpoints and their delivery log

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
    op.create_table('webhook_endpoint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('secret', sa.String(length=80), nullable=False),
    sa.Column('events', sa.JSON(), nullable=False),
    sa.Column('question_ids', sa.JSON(), nullable=False),
    sa.Column('race_ids', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('consecutive_failures', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('disabled_at', sa.DateTime(), nullable=True),
    sa.Column('disabled_reason', sa.Text(), server_default='', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoint'))
    )
    with op.batch_alter_table('webhook_endpoint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_endpoint_active'), ['active'], unique=False)
    op.create_table('webhook_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('endpoint_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=32), nullable=False),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('attempted_at', sa.DateTime(), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('error', sa.Text(), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoint.id'], name=op.f('fk_webhook_delivery_endpoint_id_webhook_endpoint'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_delivery'))
    )
    with op.batch_alter_table('webhook_delivery', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_delivery_endpoint_time', ['endpoint_id', 'attempted_at'], unique=False)


def downgrade():
    op.drop_table('webhook_delivery')
    with op.batch_alter_table('webhook_endpoint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_endpoint_active'))
    op.drop_table('webhook_endpoint')
    with op.batch_alter_table('poll', schema=None) as batch_op:
        for name, _columns in FEED_INDEXES:
            batch_op.drop_index(name)
    with op.batch_alter_table('average_edition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_average_edition_final'))
    op.drop_table('average_edition')
