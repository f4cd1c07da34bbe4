"""recompute jobs: complete stored results per data version, chart images, the job table

Revision ID: 0005
Revises: 0004_h2

Reads no longer compute: a worker computes every stored result of a question (every
method, real-time and retrospective, the default charts) for one data version and records
it as the question's ``computed_version``. ``computed_series`` is keyed by data version
now (the previous complete version is kept for reads in flight) and is rebuilt from
nothing: its rows are derived data, and the workers recompute every question whose
``computed_version`` is behind its data version.
"""
import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004_h2'
branch_labels = None
depends_on = None


def _computed_series(unique):
    op.create_table('computed_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('choice_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('realtime', sa.Boolean(), nullable=False),
    sa.Column('data_version', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['choice_id'], ['choice.id'], name=op.f('fk_computed_series_choice_id_choice'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_computed_series_question_id_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_computed_series')),
    sa.UniqueConstraint(*unique, name=op.f('uq_computed_series_' + '_'.join(unique)))
    )
    with op.batch_alter_table('computed_series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_computed_series_question_id'), ['question_id'], unique=False)


def upgrade():
    op.drop_table('computed_series')
    _computed_series(['question_id', 'data_version', 'method', 'realtime', 'choice_id'])
    op.create_table('stored_chart',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('data_version', sa.Integer(), nullable=False),
    sa.Column('variant', sa.String(length=200), nullable=False),
    sa.Column('mimetype', sa.String(length=40), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_stored_chart_question_id_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_chart')),
    sa.UniqueConstraint('question_id', 'data_version', 'variant', name=op.f('uq_stored_chart_question_id_data_version_variant'))
    )
    op.create_table('recompute_job',
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('queued_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('error', sa.Text(), server_default='', nullable=False),
    sa.Column('token', sa.String(length=32), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_recompute_job_question_id_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('question_id', name=op.f('pk_recompute_job'))
    )
    with op.batch_alter_table('recompute_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recompute_job_state'), ['state'], unique=False)
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('computed_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('computed_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_column('computed_at')
        batch_op.drop_column('computed_version')
    with op.batch_alter_table('recompute_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recompute_job_state'))
    op.drop_table('recompute_job')
    op.drop_table('stored_chart')
    op.drop_table('computed_series')
    _computed_series(['question_id', 'choice_id', 'method', 'realtime'])
