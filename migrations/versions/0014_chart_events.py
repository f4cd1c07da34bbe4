"""chart events: dated labels editors put on the charts of a question or of a race's
questions

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('chart_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('race_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('created_by', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(question_id IS NULL) <> (race_id IS NULL)', name=op.f('ck_chart_event_one_subject')),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_chart_event_question_id_question'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['race_id'], ['race.id'], name=op.f('fk_chart_event_race_id_race'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chart_event'))
    )
    with op.batch_alter_table('chart_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chart_event_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chart_event_race_id'), ['race_id'], unique=False)


def downgrade():
    op.drop_table('chart_event')
