"""review before publish: draft questions and races, held and rejected polls

Revision ID: 0009
Revises: 0008

``question.status`` and ``race.status`` are ``draft`` or ``published``; ``poll.review_status``
is ``published``, ``held`` or ``rejected`` with ``held_reason`` and ``review_note``. Every
row that exists when this runs is published (the server defaults). The audit trail gains
the actions ``hold``, ``publish`` and ``reject``.
"""
import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

OLD_ACTIONS = "action IN ('create', 'update', 'delete', 'restore')"
NEW_ACTIONS = "action IN ('create', 'update', 'delete', 'restore', 'hold', 'publish', 'reject')"


def upgrade():
    for table in ('question', 'race'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('status', sa.String(length=10), server_default='published',
                                          nullable=False))
    with op.batch_alter_table('poll', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_status', sa.String(length=10), server_default='published',
                                      nullable=False))
        batch_op.add_column(sa.Column('held_reason', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('review_note', sa.Text(), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_poll_review_status'), ['review_status'], unique=False)
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_audit_entry_action_kind'), type_='check')
        batch_op.create_check_constraint('action_kind', NEW_ACTIONS)


def downgrade():
    op.execute("DELETE FROM audit_entry WHERE action IN ('hold', 'publish', 'reject')")
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_audit_entry_action_kind'), type_='check')
        batch_op.create_check_constraint('action_kind', OLD_ACTIONS)
    with op.batch_alter_table('poll', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poll_review_status'))
        batch_op.drop_column('review_note')
        batch_op.drop_column('held_reason')
        batch_op.drop_column('review_status')
    for table in ('race', 'question'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('status')
