"""correction reports: readers' reports of a wrong number in a poll or a question, queued
for editors and resolved with a note

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('correction_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=True),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('contact', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('resolution_note', sa.Text(), nullable=False),
    sa.Column('resolved_by', sa.String(length=300), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('poll_id IS NOT NULL OR question_id IS NOT NULL',
                       name=op.f('ck_correction_report_has_subject')),
    sa.CheckConstraint("status IN ('open', 'resolved')", name=op.f('ck_correction_report_status_known')),
    sa.ForeignKeyConstraint(['poll_id'], ['poll.id'], name=op.f('fk_correction_report_poll_id_poll'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'],
                            name=op.f('fk_correction_report_question_id_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_correction_report'))
    )
    with op.batch_alter_table('correction_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_correction_report_poll_id'), ['poll_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_correction_report_question_id'), ['question_id'], unique=False)
        batch_op.create_index('ix_correction_report_status_created', ['status', 'created_at'], unique=False)


def downgrade():
    op.drop_table('correction_report')
